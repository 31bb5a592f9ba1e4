"""Cross-cutting rules: regions, providers, tags and labels, KMS, EBS, protect, hygiene."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from .core import Rule, Subject, as_list, get, known, need, truthy
from .k8s_objects import REMOTE_COMPONENTS

AWS_TAGGABLE = (
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/eip:Eip",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:ec2/flowLog:FlowLog",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:ec2/instance:Instance",
    "aws:ebs/volume:Volume",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:kms/key:Key",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:iam/role:Role",
    "aws:rds/subnetGroup:SubnetGroup",
    "aws:rds/cluster:Cluster",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:rds/instance:Instance",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    "aws:rds/parameterGroup:ParameterGroup",
    "aws:elasticache/subnetGroup:SubnetGroup",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/parameterGroup:ParameterGroup",
    "aws:eks/cluster:Cluster",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:cloudfront/distribution:Distribution",
    "aws:wafv2/webAcl:WebAcl",
    "aws:acm/certificate:Certificate",
    "aws:secretsmanager/secret:Secret",
    "aws:backup/vault:Vault",
    "aws:backup/plan:Plan",
    "aws:sns/topic:Topic",
)
"""Resource types the stacks create that take `tags` (checked against pulumi-aws 7.51.1)."""

ALI_TAGGABLE = (
    "alicloud:vpc/network:Network",
    "alicloud:vpc/switch:Switch",
    "alicloud:ecs/securityGroup:SecurityGroup",
    "alicloud:rds/instance:Instance",
    "alicloud:polardb/cluster:Cluster",
    "alicloud:kvstore/instance:Instance",
    "alicloud:oss/bucket:Bucket",
    "alicloud:cs/managedKubernetes:ManagedKubernetes",
    "alicloud:cs/nodePool:NodePool",
    "alicloud:kms/key:Key",
    "alicloud:vpc/natGateway:NatGateway",
    "alicloud:vpc/routeTable:RouteTable",
    "alicloud:vpc/flowLog:FlowLog",
    "alicloud:ecs/eipAddress:EipAddress",
    "alicloud:log/project:Project",
)

K8S_LABELLED = (
    "kubernetes:core/v1:Namespace",
    "kubernetes:core/v1:Service",
    "kubernetes:core/v1:ServiceAccount",
    "kubernetes:core/v1:ConfigMap",
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    "kubernetes:policy/v1:PodDisruptionBudget",
)

STATEFUL = (
    "aws:kms/key:Key",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:rds/cluster:Cluster",
    "aws:rds/instance:Instance",
    "aws:rds/globalCluster:GlobalCluster",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:backup/vault:Vault",
    "aws:secretsmanager/secret:Secret",
    "alicloud:rds/instance:Instance",
    "alicloud:polardb/cluster:Cluster",
    "alicloud:kvstore/instance:Instance",
    "alicloud:oss/bucket:Bucket",
    "alicloud:kms/key:Key",
    "alicloud:log/project:Project",
    "alicloud:log/store:Store",
)


def _region_allowlist(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    region = need(subject.props, "region")
    if not region:
        yield "the provider sets no region (it would follow the ambient AWS/Alibaba config)"
    elif region not in params["allowedRegions"]:
        yield f"region '{region}' is not in {params['allowedRegions']}"


def _required_tags(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    tags = need(subject.props, "tags") or {}
    missing = []
    for key in params["tags"]:
        value = known(tags.get(key), f"tags.{key}")
        if not value:
            missing.append(key)
    if missing:
        yield f"missing required tag(s): {', '.join(missing)}"


def _k8s_labels(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    labels = need(subject.props, "metadata.labels") or {}
    missing = [
        key for key in params["labels"] if not known(labels.get(key), f"metadata.labels.{key}")
    ]
    if missing:
        yield f"missing recommended label(s): {', '.join(missing)}"


def _kms_rotation(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == "aws:kms/key:Key":
        spec = need(p, "customerMasterKeySpec") or "SYMMETRIC_DEFAULT"
        if spec == "SYMMETRIC_DEFAULT" and not truthy(need(p, "enableKeyRotation")):
            yield "enableKeyRotation is not true"
    elif need(p, "automaticRotation") != "Enabled":
        yield "automaticRotation is not 'Enabled'"


def _ebs_encrypted(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == "aws:ec2/launchTemplate:LaunchTemplate":
        for i, bdm in enumerate(as_list(get(p, "blockDeviceMappings"), "blockDeviceMappings")):
            ebs = known(get(bdm, "ebs"), f"blockDeviceMappings[{i}].ebs")
            if ebs is not None and not truthy(
                known(get(ebs, "encrypted"), f"blockDeviceMappings[{i}].ebs.encrypted")
            ):
                yield f"blockDeviceMappings[{i}] ({get(bdm, 'deviceName')}) is not encrypted"
    elif subject.type == "aws:ec2/instance:Instance":
        root = need(p, "rootBlockDevice") or {}
        if not truthy(known(get(root, "encrypted"), "rootBlockDevice.encrypted")):
            yield "rootBlockDevice is not encrypted"
        for i, dev in enumerate(as_list(get(p, "ebsBlockDevices"), "ebsBlockDevices")):
            if not truthy(known(get(dev, "encrypted"), f"ebsBlockDevices[{i}].encrypted")):
                yield f"ebsBlockDevices[{i}] is not encrypted"
    elif not truthy(need(p, "encrypted")):
        yield "the volume is not encrypted"


def _no_default_provider(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if subject.type in REMOTE_COMPONENTS:
        return  # each object it renders is checked with the provider the engine gives it
    name = subject.provider.rsplit("::", 1)[-1] if subject.provider else None
    if name is None or name.startswith("default"):
        yield "uses the default provider; pass an explicit provider (region and credentials stay visible)"


def _no_output_in_strings(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    text = json.dumps(subject.props, default=str)
    for marker in params["markers"]:
        if marker in text:
            yield f"a property contains '{marker}': an Output was formatted into a string (use Output.concat/format)"


def _stateful_protected(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if not subject.protect:
        yield "stateful resource without `protect`: a rename or destroy would delete its data"


DEPRECATED_ALI = {
    "alicloud:vpc/subnet:Subnet": "use alicloud:vpc/switch:Switch",
    "alicloud:cdn/domain:Domain": "use alicloud:cdn/domainNew:DomainNew",
    "alicloud:cs/kubernetes:Kubernetes": "dedicated ACK clusters are deprecated; use ManagedKubernetes",
    "alicloud:cs/edgeKubernetes:EdgeKubernetes": "use ManagedKubernetes",
    "alicloud:cs/serverlessKubernetes:ServerlessKubernetes": "use ManagedKubernetes",
}


def _alicloud_deprecated(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if subject.type in DEPRECATED_ALI:
        yield f"deprecated type: {DEPRECATED_ALI[subject.type]}"
    elif subject.type == "alicloud:kvstore/instance:Instance" and get(
        subject.props, "instanceName"
    ):
        yield "instanceName is deprecated; use dbInstanceName"


RULES = [
    Rule(
        id="region-allowlist",
        group="security",
        severity="high",
        description="Providers deploy only to the allowed regions (primary, DR, us-east-1 for CloudFront WAF/ACM; cn-shanghai and its DR region cn-beijing for the Alibaba Cloud stacks, cn-hangzhou for their WAF 3.0 and DirectMail alert mail).",
        remediation="Use a region from allowedRegions in the policy config, or extend the list in a reviewed PR.",
        types=("pulumi:providers:aws", "pulumi:providers:alicloud"),
        resource_check=_region_allowlist,
        params={
            "allowedRegions": [
                "eu-west-1",
                "eu-central-1",
                "us-east-1",
                "cn-shanghai",
                "cn-beijing",
                "cn-hangzhou",  # WAF 3.0 and DirectMail (alerting.directMail) in the mainland
            ]
        },
        anchors="FIN require-region",
    ),
    Rule(
        id="required-tags",
        group="security",
        severity="medium",
        description="Every taggable resource carries the ownership tags (environment, owner, cost-center, service).",
        remediation="Pass merged_tags(args.tags, name) to the resource; the stack's base tags carry every required key.",
        types=AWS_TAGGABLE + ALI_TAGGABLE,
        resource_check=_required_tags,
        params={"tags": ["environment", "owner", "cost-center", "service"]},
        anchors="PBP resource-tagging, IG rds-instance-tags-required",
    ),
    Rule(
        id="k8s-recommended-labels",
        group="security",
        severity="low",
        description="Kubernetes objects carry the recommended app.kubernetes.io labels (name, part-of, managed-by).",
        remediation="Set metadata.labels from the component's label helper.",
        types=K8S_LABELLED,
        resource_check=_k8s_labels,
        params={
            "labels": [
                "app.kubernetes.io/name",
                "app.kubernetes.io/part-of",
                "app.kubernetes.io/managed-by",
            ]
        },
        anchors="PBP resource-tagging (Kubernetes labels)",
    ),
    Rule(
        id="kms-key-rotation",
        group="security",
        severity="medium",
        description="Symmetric KMS keys rotate automatically.",
        remediation="Set enableKeyRotation=true (Alibaba: automaticRotation='Enabled').",
        types=("aws:kms/key:Key", "alicloud:kms/key:Key"),
        resource_check=_kms_rotation,
        anchors="CKV_AWS_7, AVD-AWS-0065, CKV_ALI_27",
    ),
    Rule(
        id="ebs-encrypted",
        group="security",
        severity="high",
        description="EBS volumes (launch template block devices, instance disks, volumes) are encrypted.",
        remediation="Set ebs.encrypted=true (and a kmsKeyId) on every block device mapping.",
        types=(
            "aws:ec2/launchTemplate:LaunchTemplate",
            "aws:ec2/instance:Instance",
            "aws:ebs/volume:Volume",
        ),
        resource_check=_ebs_encrypted,
        anchors="CKV_AWS_8, CKV_AWS_3, AVD-AWS-0131",
    ),
    Rule(
        id="no-default-provider",
        group="security",
        severity="high",
        description="Every cloud resource uses an explicit provider, never the ambient default provider.",
        remediation="Pass opts=ResourceOptions(provider=...) (stack files disable default providers).",
        types=("aws:*", "alicloud:*", "kubernetes:*"),
        resource_check=_no_default_provider,
        anchors="pulumi/pulumi-aws#3777",
    ),
    Rule(
        id="no-output-in-strings",
        group="security",
        severity="medium",
        description="No property contains a stringified Output (a resource configured with garbage).",
        remediation="Build strings with pulumi.Output.concat / Output.format / apply.",
        types=("aws:*", "alicloud:*", "kubernetes:*"),
        resource_check=_no_output_in_strings,
        params={"markers": ["pulumi.output.Output object at", "Calling __str__ on an Output"]},
        anchors="pulumi/pulumi#4650",
    ),
    Rule(
        id="stateful-resources-protected",
        group="availability",
        severity="medium",
        description="Stateful resources (databases, caches, buckets, keys, secrets, log groups, vaults) have Pulumi `protect`.",
        remediation="Set protectStatefulResources: true in the stack config (components pass protect to stateful children).",
        types=STATEFUL,
        resource_check=_stateful_protected,
        anchors="PolicyResourceOptions.protect",
    ),
    Rule(
        id="alicloud-no-deprecated-types",
        group="availability",
        severity="low",
        description="No deprecated Alibaba Cloud resource types or properties.",
        remediation="Move to the replacement type named in the message.",
        types=(*DEPRECATED_ALI, "alicloud:kvstore/instance:Instance"),
        resource_check=_alicloud_deprecated,
        anchors="pulumi/pulumi-alicloud#263",
    ),
]
