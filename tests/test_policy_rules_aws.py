"""AWS rules beyond the shared ok/bad/unknown cases: every violating case fails for its own
reason, public S3 access in all its shapes, config knobs, and unknowns inside known documents."""

from __future__ import annotations

import pytest
from pulumi_policy.proxy import UnknownValueError

from policies.guardrails.policy_documents import RESOURCE_POLICIES
from tests.policy_cases_aws import AWS_CASES, ROLE_ARN, doc, grant, trust
from tests.policy_kit import UNKNOWN, R, run
from tests.test_policy_tokens import _module_file, _snake


@pytest.mark.parametrize("rule_id", sorted(AWS_CASES))
def test_violations_name_the_problem_not_a_shape_error(rule_id: str) -> None:
    case = AWS_CASES[rule_id]
    for scenario in case.bad:
        messages = run(rule_id, scenario, case.config)
        assert messages
        assert not any("cannot evaluate" in m for m in messages), messages


BUCKET = "aws:s3/bucket:Bucket"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
READ = "s3:GetObject"


def bucket_policy(*statements: dict[str, object]) -> list[R]:
    return [R(BUCKET_POLICY, "bp", {"bucket": "b", "policy": doc(*statements)})]


@pytest.mark.parametrize(
    "resources",
    [
        pytest.param(bucket_policy(grant({"AWS": ["*"]}, READ)), id="principal-aws-list-star"),
        pytest.param(bucket_policy(grant({"AWS": "*"}, READ)), id="principal-aws-star"),
        pytest.param(bucket_policy(grant("*", READ, Condition={"Bool": {"aws:SecureTransport": "true"}})),
                     id="star-with-non-narrowing-condition"),
        pytest.param(bucket_policy({"Effect": "Allow", "NotPrincipal": {"AWS": ROLE_ARN}, "Action": READ,
                                    "Resource": "*"}), id="not-principal"),
        pytest.param([R(BUCKET, "b", {"policy": doc(grant("*", READ))})], id="inline-bucket-policy"),
        pytest.param([R(BUCKET, "b", {"grants": [{"type": "Group", "uri": ALL_USERS, "permissions": ["READ"]}]})],
                     id="bucket-grant-all-users"),
        pytest.param([R("aws:s3/bucketAclV2:BucketAclV2", "acl", {"bucket": "b", "accessControlPolicy": {
            "owner": {"id": "o"}, "grants": [{"permission": "READ", "grantee": {"type": "Group", "uri": AUTH_USERS}}]}})],
                     id="acl-grant-authenticated-users"),
        pytest.param([R("aws:s3/bucketAcl:BucketAcl", "acl", {"bucket": "b", "acl": "public-read"})], id="canned-acl"),
        pytest.param([R("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "account",
                        {"blockPublicAcls": True, "ignorePublicAcls": True})], id="account-block-incomplete"),
        pytest.param([R("aws:s3/accessPoint:AccessPoint", "ap", {"bucket": "b", "publicAccessBlockConfiguration": {
            "blockPublicPolicy": False}})], id="access-point-block-off"),
    ],
)  # fmt: skip
def test_every_shape_of_public_s3_access_is_blocked(resources: list[R]) -> None:
    messages = run("bucket-no-public-access", resources)
    assert messages and not any("cannot evaluate" in m for m in messages), messages


def test_narrowed_bucket_grants_stay_allowed() -> None:
    vpce_only = grant("*", READ, Condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}})
    oac = grant({"Service": "cloudfront.amazonaws.com"}, READ,
                Condition={"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::1:distribution/E1"}})  # fmt: skip
    assert run("bucket-no-public-access", bucket_policy(vpce_only, oac)) == []
    access_point = {"bucket": "b", "publicAccessBlockConfiguration": {"blockPublicAcls": True}}
    assert (
        run("bucket-no-public-access", [R("aws:s3/accessPoint:AccessPoint", "ap", access_point)])
        == []
    )


def test_trusted_accounts_come_from_the_policy_config() -> None:
    role = [R("aws:iam/role:Role", "cross", {"assumeRolePolicy": trust({"AWS": "111122223333"})})]
    assert run("iam-trust-policy-restricted", role)
    assert run("iam-trust-policy-restricted", role, {"trustedAccounts": ["111122223333"]}) == []


def test_registry_scanning_and_hop_limit_are_config() -> None:
    repo = [R("aws:ecr/repository:Repository", "repo", {"imageTagMutability": "IMMUTABLE"})]
    assert run("ecr-scan-and-immutable-tags", repo)
    assert run("ecr-scan-and-immutable-tags", repo, {"registryScanning": True}) == []
    two_hops = {"metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 2}}
    lt = [R("aws:ec2/launchTemplate:LaunchTemplate", "lt", two_hops)]
    assert run("ec2-imdsv2-required", lt)
    assert run("ec2-imdsv2-required", lt, {"maxHopLimit": 2}) == []


def test_extra_data_read_actions_widen_the_wildcard_rule() -> None:
    policy = [R("aws:iam/policy:Policy", "p", {"policy": doc({"Effect": "Allow", "Action": "ssm:DescribeDocumentParameters",
                                                              "Resource": "*"})})]  # fmt: skip
    assert run("iam-no-wildcard-resource", policy) == []
    config = {"dataReadActions": ["ssm:Describe*"]}
    assert run("iam-no-wildcard-resource", policy, config)


def test_trace_writes_may_stay_on_every_resource_but_nothing_beside_them() -> None:
    xray = {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords",
                                          "xray:GetSamplingRules"], "Resource": "*"}  # fmt: skip
    assert run("iam-no-wildcard-resource", [R("aws:iam/rolePolicy:RolePolicy", "p",
                                              {"policy": doc(xray)})]) == []  # fmt: skip
    more = {**xray, "Action": [*xray["Action"], "xray:DeleteGroup"]}
    (finding,) = run("iam-no-wildcard-resource", [R("aws:iam/rolePolicy:RolePolicy", "p",
                                                    {"policy": doc(more)})])  # fmt: skip
    assert "xray:DeleteGroup" in finding and "PutTraceSegments" not in finding
    assert run("iam-no-wildcard-resource", [R("aws:iam/rolePolicy:RolePolicy", "p", {"policy": doc(xray)})],
               {"unscopableActions": []})  # fmt: skip


@pytest.mark.parametrize(
    ("rule_id", "resource", "path"),
    [
        ("iam-trust-policy-restricted",
         R("aws:iam/role:Role", "r", {"assumeRolePolicy": {"Statement": [
             {"Effect": "Allow", "Principal": {"AWS": UNKNOWN}, "Action": "sts:AssumeRole"}]}}),
         "assumeRolePolicy.Statement[0].Principal.AWS"),
        ("resource-policy-not-public",
         R("aws:sqs/queuePolicy:QueuePolicy", "q", {"queueUrl": "u", "policy": {"Statement": [
             {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*",
              "Condition": {"ArnEquals": {"aws:SourceArn": UNKNOWN}}}]}}),
         "policy.Statement[0].Condition"),
        ("net-nacl-no-public-ingress",
         R("aws:ec2/networkAcl:NetworkAcl", "acl", {"vpcId": "v", "ingress": [
             {"ruleNo": 100, "action": "allow", "protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlock": UNKNOWN}]}),
         "ingress[0].cidrBlock"),
    ],
)  # fmt: skip
def test_unknowns_inside_a_known_document_are_named(rule_id: str, resource: R, path: str) -> None:
    with pytest.raises(UnknownValueError) as err:
        run(rule_id, [resource])
    assert any(path in p for p in err.value.props), err.value.props


def test_an_unknown_resource_arn_is_a_stack_resource_not_a_wildcard() -> None:
    policy = {"Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": [UNKNOWN]}]}
    assert (
        run("iam-no-wildcard-resource", [R("aws:iam/policy:Policy", "p", {"policy": policy})]) == []
    )


READS: dict[str, str] = {
    # every resource policy the pack reads (policy_documents.RESOURCE_POLICIES), then the rest
    **{t: prop for t, prop in RESOURCE_POLICIES.items() if t.startswith("aws:")},
    "aws:iam/policy:Policy": "policy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
    "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy": "inlinePolicy",
    "aws:iam/role:Role": "assumeRolePolicy inlinePolicies policy managedPolicyArns",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "policyArn",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": "policyArn",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": "policyArn",
    "aws:iam/policyAttachment:PolicyAttachment": "policyArn users",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": "policyArns",
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": "policyArns",
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": "policyArns",
    "aws:iam/accessKey:AccessKey": "status",
    "aws:iam/serviceSpecificCredential:ServiceSpecificCredential": "status",
    "aws:iam/signingCertificate:SigningCertificate": "status",
    "aws:iam/sshKey:SshKey": "status",
    "aws:s3/bucket:Bucket": "acl grants uri policy",
    "aws:s3/bucketV2:BucketV2": "acl grants uri policy",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:kms/key:Key": "policy",
    "aws:iam/userLoginProfile:UserLoginProfile": "user",
    "aws:s3/bucketAcl:BucketAcl": "acl accessControlPolicy grants grantee uri",
    "aws:s3/bucketAclV2:BucketAclV2": "acl accessControlPolicy grants grantee uri",
    "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": "blockPublicAcls blockPublicPolicy ignorePublicAcls restrictPublicBuckets",
    "aws:s3/accessPoint:AccessPoint": "policy publicAccessBlockConfiguration blockPublicPolicy",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "rule objectOwnership",
    "aws:s3control/accessPointPolicy:AccessPointPolicy": "policy",
    "aws:sqs/queue:Queue": "policy sqsManagedSseEnabled kmsMasterKeyId",
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
    "aws:sns/topic:Topic": "policy kmsMasterKeyId",
    "aws:sns/topicPolicy:TopicPolicy": "policy",
    "aws:kms/keyPolicy:KeyPolicy": "policy",
    "aws:ecr/repositoryPolicy:RepositoryPolicy": "policy",
    "aws:ecr/registryPolicy:RegistryPolicy": "policy",
    "aws:secretsmanager/secret:Secret": "policy kmsKeyId",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "policy",
    "aws:efs/fileSystemPolicy:FileSystemPolicy": "policy",
    "aws:backup/vaultPolicy:VaultPolicy": "policy",
    "aws:opensearch/domainPolicy:DomainPolicy": "accessPolicies",
    "aws:elasticsearch/domainPolicy:DomainPolicy": "accessPolicies",
    "aws:glacier/vault:Vault": "accessPolicy",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "policyDocument",
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": "policy",
    "aws:lambda/functionUrl:FunctionUrl": "authorizationType",
    "aws:lambda/permission:Permission": "principal functionUrlAuthType sourceArn sourceAccount principalOrgId",
    "aws:lambda/layerVersionPermission:LayerVersionPermission": "principal organizationId",
    "aws:lb/listener:Listener": "protocol defaultActions type redirect sslPolicy",
    "aws:alb/listener:Listener": "protocol defaultActions type redirect sslPolicy",
    "aws:elb/loadBalancer:LoadBalancer": "listeners lbProtocol",
    "aws:apigateway/domainName:DomainName": "securityPolicy",
    "aws:rds/snapshot:Snapshot": "sharedAccounts",
    "aws:rds/clusterSnapshot:ClusterSnapshot": "sharedAccounts",
    "aws:rds/snapshotCopy:SnapshotCopy": "sharedAccounts",
    "aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy": "sharedAccounts",
    "alicloud:vpc/networkAcl:NetworkAcl": "ingressAclEntries protocol port policy sourceCidrIp",
    "aws:ec2/amiLaunchPermission:AmiLaunchPermission": "group",
    "aws:ec2/imageBlockPublicAccess:ImageBlockPublicAccess": "state",
    "aws:ebs/snapshotBlockPublicAccess:SnapshotBlockPublicAccess": "state",
    "aws:ssm/document:Document": "permissions",
    "aws:opensearch/domain:Domain": "accessPolicies vpcOptions subnetIds encryptAtRest enabled kmsKeyId "
    "nodeToNodeEncryption domainEndpointOptions enforceHttps tlsSecurityPolicy",
    "aws:elasticsearch/domain:Domain": "accessPolicies vpcOptions subnetIds encryptAtRest enabled kmsKeyId "
    "nodeToNodeEncryption domainEndpointOptions enforceHttps tlsSecurityPolicy",
    "aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy": "type policy",
    "aws:ec2/networkAcl:NetworkAcl": "ingress protocol ruleNo action cidrBlock ipv6CidrBlock fromPort toPort",
    "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": "ingress protocol ruleNo action cidrBlock ipv6CidrBlock fromPort toPort",
    "aws:ec2/networkAclRule:NetworkAclRule": "egress ruleNumber ruleAction protocol cidrBlock ipv6CidrBlock fromPort toPort",
    "aws:redshift/cluster:Cluster": "publiclyAccessible encrypted clusterParameterGroupName kmsKeyId "
    "automatedSnapshotRetentionPeriod",
    "aws:redshift/parameterGroup:ParameterGroup": "parameters name value",
    "aws:redshiftserverless/workgroup:Workgroup": "publiclyAccessible",
    "aws:dms/replicationInstance:ReplicationInstance": "publiclyAccessible",
    "aws:mq/broker:Broker": "publiclyAccessible encryptionOptions useAwsOwnedKey kmsKeyId",
    "aws:neptune/clusterInstance:ClusterInstance": "publiclyAccessible",
    "aws:msk/cluster:Cluster": "brokerNodeGroupInfo connectivityInfo publicAccess type encryptionInfo "
    "encryptionAtRestKmsKeyArn encryptionInTransit clientBroker inCluster",
    "aws:sagemaker/notebookInstance:NotebookInstance": "directInternetAccess instanceMetadataServiceConfiguration "
    "minimumInstanceMetadataServiceVersion",
    "aws:apigateway/method:Method": "httpMethod apiKeyRequired authorization",
    "aws:apigatewayv2/route:Route": "routeKey authorizationType apiKeyRequired",
    "aws:ec2/instance:Instance": "metadataOptions httpTokens httpEndpoint httpPutResponseHopLimit launchTemplate "
    "associatePublicIpAddress",
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": "metadataOptions httpTokens launchTemplate associatePublicIpAddress",
    "aws:ec2/launchTemplate:LaunchTemplate": "metadataOptions httpTokens httpEndpoint httpPutResponseHopLimit "
    "networkInterfaces associatePublicIpAddress",
    "aws:ec2/launchConfiguration:LaunchConfiguration": "metadataOptions httpTokens associatePublicIpAddress",
    "aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults": "httpTokens httpEndpoint httpPutResponseHopLimit",
    "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration": "instanceMetadataOptions httpTokens "
    "httpPutResponseHopLimit",
    "aws:ec2/defaultSubnet:DefaultSubnet": "mapPublicIpOnLaunch",
    "aws:ec2/eip:Eip": "instance",
    "aws:ec2/eipAssociation:EipAssociation": "instanceId",
    "aws:efs/fileSystem:FileSystem": "encrypted kmsKeyId",
    "aws:ebs/encryptionByDefault:EncryptionByDefault": "enabled",
    "aws:kinesis/stream:Stream": "encryptionType kmsKeyId",
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": "kinesisSourceConfiguration serverSideEncryption enabled",
    "aws:docdb/cluster:Cluster": "storageEncrypted kmsKeyId backupRetentionPeriod",
    "aws:docdb/clusterParameterGroup:ClusterParameterGroup": "parameters name value",
    "aws:neptune/cluster:Cluster": "storageEncrypted kmsKeyArn backupRetentionPeriod",
    "aws:dax/cluster:Cluster": "serverSideEncryption enabled clusterEndpointEncryptionType",
    "aws:dynamodb/table:Table": "serverSideEncryption enabled kmsKeyArn pointInTimeRecovery",
    "aws:cloudwatch/logGroup:LogGroup": "kmsKeyId",
    "aws:backup/vault:Vault": "kmsKeyArn",
    "aws:ecr/repository:Repository": "encryptionConfigurations encryptionType kmsKey imageScanningConfiguration "
    "scanOnPush imageTagMutability",
    "aws:memorydb/cluster:Cluster": "kmsKeyArn tlsEnabled aclName snapshotRetentionLimit",
    "aws:elasticache/cluster:Cluster": "replicationGroupId engine",
    "aws:elasticache/serverlessCache:ServerlessCache": "engine userGroupId kmsKeyId",
    "aws:ssm/parameter:Parameter": "type keyId",
    "aws:ecs/service:Service": "networkConfiguration assignPublicIp",
    "aws:cloudtrail/trail:Trail": "kmsKeyId",
    # probed in session 13
    "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment": "managedPolicyArn",
    "aws:apigatewayv2/domainName:DomainName": "domainNameConfiguration securityPolicy",
    "aws:elasticache/user:User": "accessString noPasswordRequired authenticationMode userName",
    "aws:memorydb/user:User": "accessString authenticationMode userName",
    "aws:fsx/ontapFileSystem:OntapFileSystem": "kmsKeyId",
    "aws:fsx/openZfsFileSystem:OpenZfsFileSystem": "kmsKeyId",
    "aws:fsx/windowsFileSystem:WindowsFileSystem": "kmsKeyId",
    "aws:fsx/lustreFileSystem:LustreFileSystem": "kmsKeyId deploymentType",
    "aws:ec2/spotFleetRequest:SpotFleetRequest": "launchSpecifications associatePublicIpAddress",
}
"""The camelCase properties the AWS rules read, per type token."""


def test_every_aws_rule_type_lists_what_it_reads() -> None:
    from policies.guardrails import aws_compute, aws_encryption, aws_exposure, aws_iam

    types = {
        t
        for m in (aws_iam, aws_exposure, aws_encryption, aws_compute)
        for r in m.RULES
        for t in r.types
    }
    assert types <= set(READS), types - set(READS)


@pytest.mark.parametrize("token", sorted(READS))
def test_properties_the_aws_rules_read_exist_in_the_sdk(token: str) -> None:
    path = _module_file(token)
    assert path is not None, token
    inputs = path.parent / "_inputs.py"  # absent in modules without nested input types
    text = path.read_text() + (inputs.read_text() if inputs.exists() else "")
    missing = [p for p in READS[token].split() if f'"{_snake(p)}"' not in text]
    assert missing == [], f"{token}: {missing} not in {path.name} / _inputs.py"


@pytest.mark.parametrize("port", [21, 445, 1433, 2049, 2375, 6443, 10250, 11211])
def test_file_sharing_control_plane_and_data_ports_stay_off_the_internet(port: int) -> None:
    rule = {
        "type": "ingress",
        "protocol": "tcp",
        "fromPort": port,
        "toPort": port,
        "cidrBlocks": ["0.0.0.0/0"],
    }
    assert run(
        "net-sg-no-public-admin-ports",
        [R("aws:ec2/securityGroupRule:SecurityGroupRule", "r", rule)],
    )
    private = {**rule, "cidrBlocks": ["10.0.0.0/8"]}
    assert (
        run(
            "net-sg-no-public-admin-ports",
            [R("aws:ec2/securityGroupRule:SecurityGroupRule", "r", private)],
        )
        == []
    )


def test_nacls_keep_ftp_off_the_internet() -> None:
    ftp = {"networkAclId": "acl-1", "ruleNumber": 100, "ruleAction": "allow", "egress": False,
           "protocol": "tcp", "fromPort": 20, "toPort": 21, "cidrBlock": "0.0.0.0/0"}  # fmt: skip
    assert run(
        "net-nacl-no-public-ingress", [R("aws:ec2/networkAclRule:NetworkAclRule", "ftp", ftp)]
    )
