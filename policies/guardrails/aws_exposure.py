"""Public exposure rules beyond buckets and security groups: resource policies, S3 ACLs, Lambda,
load balancer and API listeners, shared snapshots and images, search domains, network ACLs,
data-service endpoints and unauthenticated APIs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .core import Rule, Subject, as_list, get, known, need, truthy
from .network import is_world
from .policy_documents import RESOURCE_POLICIES, S3_POLICIES, public_grants, resource_documents

OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
FUNCTION_URL = "aws:lambda/functionUrl:FunctionUrl"
LAMBDA_PERMISSION = "aws:lambda/permission:Permission"
LAYER_PERMISSION = "aws:lambda/layerVersionPermission:LayerVersionPermission"
LISTENERS = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
CLASSIC_ELB = "aws:elb/loadBalancer:LoadBalancer"
API_DOMAIN = "aws:apigateway/domainName:DomainName"
API_V2_DOMAIN = "aws:apigatewayv2/domainName:DomainName"
RDS_SNAPSHOTS = (
    "aws:rds/snapshot:Snapshot",
    "aws:rds/clusterSnapshot:ClusterSnapshot",
    "aws:rds/snapshotCopy:SnapshotCopy",
    "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy",
)
AMI_PERMISSION = "aws:ec2/amiLaunchPermission:AmiLaunchPermission"
IMAGE_BLOCK = "aws:ec2/imageBlockPublicAccess:ImageBlockPublicAccess"
SNAPSHOT_BLOCK = "aws:ebs/snapshotBlockPublicAccess:SnapshotBlockPublicAccess"
SSM_DOCUMENT = "aws:ssm/document:Document"
SEARCH_DOMAINS = ("aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain")
SERVERLESS_SEARCH = "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy"
NACL = "aws:ec2/networkAcl:NetworkAcl"
DEFAULT_NACL = "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"
NACL_RULE = "aws:ec2/networkAclRule:NetworkAclRule"
ALI_NACL = "alicloud:vpc/networkAcl:NetworkAcl"
PUBLICLY_ACCESSIBLE = (
    "aws:redshift/cluster:Cluster",
    "aws:redshiftserverless/workgroup:Workgroup",
    "aws:dms/replicationInstance:ReplicationInstance",
    "aws:mq/broker:Broker",
    "aws:neptune/clusterInstance:ClusterInstance",
)
MSK = "aws:msk/cluster:Cluster"
NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"
REST_METHOD = "aws:apigateway/method:Method"
HTTP_ROUTE = "aws:apigatewayv2/route:Route"


def _resource_policy_public(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    yield from public_grants(list(resource_documents(subject.props, subject.type)))


def _acls_disabled(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    ownership = need(subject.props, "rule.objectOwnership")
    if ownership != "BucketOwnerEnforced":
        yield f"objectOwnership={ownership} re-enables ACLs (objects can be shared by ACL)"


def _lambda_public(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == FUNCTION_URL:
        if need(p, "authorizationType") == "NONE":
            yield "function URL with authorizationType NONE: anyone on the internet can invoke it"
    elif subject.type == LAYER_PERMISSION:
        if need(p, "principal") == "*" and not get(p, "organizationId"):
            yield "layer shared with every AWS account (principal '*', no organizationId)"
    else:
        principal = str(need(p, "principal"))
        if need(p, "functionUrlAuthType") == "NONE":
            yield "grants invocation through a function URL without authentication"
        # Unknown source ARNs/accounts are outputs of stack resources: they are set.
        narrowed = get(p, "sourceArn") or get(p, "sourceAccount") or get(p, "principalOrgId")
        if principal == "*" and not narrowed:
            yield "grants lambda invocation to any principal ('*') without sourceArn, sourceAccount or principalOrgId"
        elif principal.endswith(".amazonaws.com") and not narrowed:
            yield f"grants {principal} invocation without sourceArn/sourceAccount (any account's resources could invoke it)"


def _listeners_tls(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type in LISTENERS:
        protocol = str(need(p, "protocol") or "HTTP").upper()
        if protocol == "HTTP":
            for i, action in enumerate(as_list(need(p, "defaultActions"), "defaultActions")):
                kind = known(get(action, "type"), f"defaultActions[{i}].type")
                target = known(
                    get(action, "redirect.protocol"), f"defaultActions[{i}].redirect.protocol"
                )
                if kind != "fixed-response" and not (
                    kind == "redirect" and str(target).upper() == "HTTPS"
                ):
                    yield f"HTTP listener defaultActions[{i}] ({kind}) serves plaintext; redirect to HTTPS"
        elif protocol in ("HTTPS", "TLS"):
            policy = need(p, "sslPolicy")
            if not policy or not re.search(params["allowedSslPolicyPattern"], str(policy)):
                yield f"sslPolicy={policy} allows TLS below 1.2 (or the provider default); use a TLS13-1-2 policy"
    elif subject.type == CLASSIC_ELB:
        for i, listener in enumerate(as_list(need(p, "listeners"), "listeners")):
            protocol = known(get(listener, "lbProtocol"), f"listeners[{i}].lbProtocol")
            if str(protocol).lower() == "http":
                yield f"listeners[{i}] accepts plaintext HTTP (classic load balancers cannot redirect)"
    else:
        yield from _api_domain_tls(subject)


def _api_domain_tls(subject: Subject) -> Iterator[str]:
    """API Gateway custom domains: REST domains must name a TLS 1.2+ policy (the default is
    TLS 1.0); HTTP/WebSocket domains default to TLS 1.2 and must not lower it."""
    p = subject.props
    if subject.type == API_DOMAIN:
        policy = need(p, "securityPolicy")
        if policy is None or re.fullmatch(r"TLS_1_[01]", str(policy)):
            yield f"securityPolicy={policy}; set TLS_1_2 (or a TLS 1.3 enhanced policy) explicitly"
        return
    where = "domainNameConfiguration.securityPolicy"
    policy = known(get(need(p, "domainNameConfiguration"), "securityPolicy"), where)
    if policy is not None and re.fullmatch(r"TLS_1_[01]", str(policy)):
        yield f"{where}={policy}; use TLS_1_2"


def _not_shared_publicly(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type in RDS_SNAPSHOTS:
        shared = [str(a).lower() for a in as_list(need(p, "sharedAccounts"), "sharedAccounts")]
        if "all" in shared:
            yield "sharedAccounts contains 'all': the snapshot is public"
    elif subject.type == AMI_PERMISSION:
        if need(p, "group") == "all":
            yield "launch permission group 'all': the image is public"
    elif subject.type == IMAGE_BLOCK:
        if need(p, "state") != "block-new-sharing":
            yield f"state={need(p, 'state')}: images may be shared publicly"
    elif subject.type == SNAPSHOT_BLOCK:
        if need(p, "state") not in ("block-all-sharing", "block-new-sharing"):
            yield f"state={need(p, 'state')}: EBS snapshots may be shared publicly"
    elif subject.type == SSM_DOCUMENT:
        perms = need(p, "permissions") or {}
        # A plain map in the SDK: its keys keep the provider's spelling (account_ids).
        ids = get(perms, "account_ids", get(perms, "accountIds"))
        accounts = str(known(ids, "permissions.account_ids") or "")
        if get(perms, "type") == "Share" and "all" in accounts.lower().split(","):
            yield "permissions share the document with all accounts"


def _search_private(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type in SEARCH_DOMAINS:
        if not as_list(need(p, "vpcOptions.subnetIds"), "vpcOptions.subnetIds"):
            yield "no vpcOptions.subnetIds: the domain gets a public endpoint"
        return
    if need(p, "type") != "network":
        return
    document = need(p, "policy")
    rules = json.loads(document) if isinstance(document, str) else document
    for i, rule in enumerate(rules if isinstance(rules, list) else [rules]):
        if truthy(get(rule, "AllowFromPublic")):
            yield f"network policy rule {i} has AllowFromPublic=true"


@dataclass(frozen=True)
class _Entry:
    where: str
    number: int
    allow: bool
    world: bool
    everything: bool
    ports: tuple[int, int] | None
    """TCP/UDP port range; None for other protocols."""


def _nacl_entry(rule: Mapping[str, Any], where: str, keys: Mapping[str, str]) -> _Entry:
    def value(key: str) -> Any:
        return known(get(rule, keys.get(key, key)), f"{where}.{keys.get(key, key)}")

    protocol = str(value("protocol")).lower()
    cidrs = [c for c in (value("cidrBlock"), value("ipv6CidrBlock")) if c]
    everything = protocol in ("-1", "all")
    ports = None
    if protocol in ("6", "tcp", "17", "udp"):
        low, high = int(value("fromPort") or 0), int(value("toPort") or 0)
        ports = (0, 65535) if (low, high) == (0, 0) else (low, high)
    return _Entry(
        where=where,
        number=int(value("ruleNo")),
        allow=str(value("action")).lower() == "allow",
        world=any(is_world(str(c)) for c in cidrs),
        everything=everything or ports == (0, 65535),
        ports=ports,
    )


def _alicloud_nacl_entry(entry: Mapping[str, Any], index: int) -> _Entry:
    """Alibaba Cloud ACL entries apply in list order; ports are `low/high` (`-1/-1`: all)."""
    where = f"ingressAclEntries[{index}]"
    protocol = str(known(get(entry, "protocol"), f"{where}.protocol")).lower()
    low, _, high = str(known(get(entry, "port"), f"{where}.port") or "-1/-1").partition("/")
    ports = (0, 65535) if low == "-1" else (int(low), int(high or low))
    ports_apply = protocol in ("tcp", "udp")
    return _Entry(
        where=where,
        number=index,
        allow=str(known(get(entry, "policy"), f"{where}.policy")).lower() == "accept",
        world=is_world(str(known(get(entry, "sourceCidrIp"), f"{where}.sourceCidrIp"))),
        everything=protocol == "all" or (ports_apply and ports == (0, 65535)),
        ports=ports if ports_apply else None,
    )


def _nacl_entries(subject: Subject) -> list[_Entry]:
    p = subject.props
    if subject.type == ALI_NACL:
        entries = as_list(need(p, "ingressAclEntries"), "ingressAclEntries")
        return [_alicloud_nacl_entry(e, i) for i, e in enumerate(entries)]
    if subject.type == NACL_RULE:
        if truthy(need(p, "egress")):
            return []
        keys = {"ruleNo": "ruleNumber", "action": "ruleAction"}
        return [_nacl_entry(p, "the rule", keys)]
    rules = as_list(need(p, "ingress"), "ingress")
    return [_nacl_entry(r, f"ingress[{i}]", {}) for i, r in enumerate(rules)]


def _nacl_public(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    """Evaluated as AWS does within one ACL: the lowest-numbered rule matching internet traffic
    decides. (A separate NetworkAclRule is judged alone.)"""
    world = sorted((e for e in _nacl_entries(subject) if e.world), key=lambda e: e.number)
    for port in params["ports"]:
        first = next(
            (e for e in world if e.everything or (e.ports and e.ports[0] <= port <= e.ports[1])),
            None,
        )
        if first is not None and first.allow:
            yield f"{first.where} (rule {first.number}) allows port {port} from the internet"
    for i, entry in enumerate(world):
        if entry.allow and entry.everything and not any(not e.allow for e in world[:i]):
            yield f"{entry.where} (rule {entry.number}) allows all ports from the internet"


def _data_endpoint_private(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type in PUBLICLY_ACCESSIBLE:
        if truthy(need(p, "publiclyAccessible")):
            yield "publiclyAccessible=true gives the endpoint a public address"
    elif subject.type == MSK:
        path = "brokerNodeGroupInfo.connectivityInfo.publicAccess.type"
        if need(p, path) == "SERVICE_PROVIDED_EIPS":
            yield "brokers have public IPs (publicAccess SERVICE_PROVIDED_EIPS)"
    elif subject.type == NOTEBOOK and (need(p, "directInternetAccess") or "Enabled") != "Disabled":
        yield "directInternetAccess is Enabled (the default): the notebook reaches and is reachable from the internet"


def _api_auth(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == REST_METHOD:
        method = need(p, "httpMethod")
        if method == "OPTIONS" or truthy(need(p, "apiKeyRequired")):
            return
        if need(p, "authorization") == "NONE":
            yield f"{method} method with authorization NONE: anyone can call it"
        return
    key = str(need(p, "routeKey"))
    http_route = " " in key
    needs_auth = (http_route and not key.startswith("OPTIONS ")) or key in ("$connect", "$default")
    open_route = (need(p, "authorizationType") or "NONE") == "NONE"
    if needs_auth and open_route and not truthy(need(p, "apiKeyRequired")):
        yield f"route '{key}' has authorizationType NONE: anyone can call it"


RULES = [
    Rule(
        id="resource-policy-not-public",
        group="security",
        severity="critical",
        description="Resource policies (queues, topics, keys, secrets, repositories, file systems, vaults, search domains, access points, log and event buses) admit no '*' or NotPrincipal without a narrowing condition.",
        remediation="Name the principals, or add a condition on aws:SourceArn / aws:SourceAccount / aws:PrincipalOrgID / aws:SourceVpce.",
        types=tuple(t for t in RESOURCE_POLICIES if t not in S3_POLICIES),
        resource_check=_resource_policy_public,
        anchors="CKV_AWS_32/33/167/168/169/283",
    ),
    Rule(
        id="bucket-acls-disabled",
        group="security",
        severity="high",
        description="S3 object ownership stays BucketOwnerEnforced: ACLs are disabled.",
        remediation="Set rule.objectOwnership=BucketOwnerEnforced; grant access through bucket policies.",
        types=(OWNERSHIP,),
        resource_check=_acls_disabled,
        anchors="CKV2_AWS_65, Security Hub S3.12",
    ),
    Rule(
        id="lambda-not-public",
        group="security",
        severity="critical",
        description="Lambda functions are not invocable by anyone: no function URL with auth NONE, no permission to '*' or to a service without a source, no public layers.",
        remediation="Use authorizationType AWS_IAM (or front the function with an authenticated API); set sourceArn/sourceAccount on permissions.",
        types=(FUNCTION_URL, LAMBDA_PERMISSION, LAYER_PERMISSION),
        resource_check=_lambda_public,
        anchors="CKV_AWS_258/301/364",
    ),
    Rule(
        id="lb-tls-listeners",
        group="security",
        severity="high",
        description="Load balancer listeners serve HTTPS/TLS with a TLS 1.2+ policy (HTTP only to redirect); API custom domains use TLS 1.2+.",
        remediation="Redirect HTTP to HTTPS; set sslPolicy ELBSecurityPolicy-TLS13-1-2-2021-06 (API Gateway: securityPolicy TLS_1_2).",
        types=(*LISTENERS, CLASSIC_ELB, API_DOMAIN, API_V2_DOMAIN),
        resource_check=_listeners_tls,
        params={"allowedSslPolicyPattern": "^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)"},
        anchors="CKV_AWS_2/103/206/376, CKV2_AWS_20",
    ),
    Rule(
        id="snapshots-and-images-not-public",
        group="security",
        severity="critical",
        description="No database snapshot, AMI or SSM document is shared publicly; the account blocks public sharing of images and EBS snapshots when it manages that setting.",
        remediation="Share with named accounts or organisation units; set state block-new-sharing / block-all-sharing.",
        types=(*RDS_SNAPSHOTS, AMI_PERMISSION, IMAGE_BLOCK, SNAPSHOT_BLOCK, SSM_DOCUMENT),
        resource_check=_not_shared_publicly,
        anchors="CKV_AWS_205/302, Security Hub EC2.1/RDS.1/SSM.4",
    ),
    Rule(
        id="search-domain-private",
        group="security",
        severity="critical",
        description="OpenSearch/Elasticsearch domains live in a VPC; OpenSearch Serverless network policies do not allow public access.",
        remediation="Set vpcOptions.subnetIds (private subnets) and securityGroupIds; AllowFromPublic=false with VPC endpoints.",
        types=(*SEARCH_DOMAINS, SERVERLESS_SEARCH),
        resource_check=_search_private,
        anchors="CKV_AWS_137, Security Hub OpenSearch.2",
    ),
    Rule(
        id="net-nacl-no-public-ingress",
        group="security",
        severity="high",
        description="Network ACLs (AWS, Alibaba Cloud) do not admit internet traffic to admin ports or to every port.",
        remediation="Allow only the service ports (443, ephemeral ranges that skip the admin ports) from 0.0.0.0/0; deny the admin ports first (Alibaba Cloud: a drop entry listed before the accept).",
        types=(NACL, DEFAULT_NACL, NACL_RULE, ALI_NACL),
        resource_check=_nacl_public,
        params={"ports": [20, 21, 22, 3389]},
        anchors="CIS AWS 5.1, CKV_AWS_229-232/352",
    ),
    Rule(
        id="data-endpoint-not-public",
        group="security",
        severity="critical",
        description="Data and integration services (Redshift, DMS, Amazon MQ, Neptune, MSK, SageMaker notebooks) have no public endpoint.",
        remediation="Set publiclyAccessible=false (MSK: publicAccess DISABLED; SageMaker: directInternetAccess Disabled) and reach them from the VPC.",
        types=(*PUBLICLY_ACCESSIBLE, MSK, NOTEBOOK),
        resource_check=_data_endpoint_private,
        anchors="CKV_AWS_69/87/89/102/122/291",
    ),
    Rule(
        id="api-auth-required",
        group="security",
        severity="high",
        description="API Gateway methods and routes require authorization (OPTIONS preflights and API-key methods aside).",
        remediation="Set authorization/authorizationType (AWS_IAM, JWT, COGNITO_USER_POOLS, CUSTOM); exempt deliberate public endpoints by name with `exclude`.",
        types=(REST_METHOD, HTTP_ROUTE),
        resource_check=_api_auth,
        anchors="CKV_AWS_59/309, CKV2_AWS_70",
    ),
]
