"""Every type token a rule names exists in the pinned provider SDKs (a typo would make a rule
silently match nothing)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from policies.guardrails import RULES
from policies.guardrails.platform import AWS_TAGGABLE
from policies.guardrails.pricing import PRICERS, catalogue

PACKAGES = {"aws": "pulumi_aws", "alicloud": "pulumi_alicloud", "kubernetes": "pulumi_kubernetes"}
DEPRECATED_ALIBABA = {  # named on purpose by alicloud-no-deprecated-types; absent from pulumi-alicloud 4.x
    "alicloud:vpc/subnet:Subnet",
    "alicloud:cdn/domain:Domain",
    "alicloud:cs/kubernetes:Kubernetes",
    "alicloud:cs/edgeKubernetes:EdgeKubernetes",
    "alicloud:cs/serverlessKubernetes:ServerlessKubernetes",
}
CUSTOM_RESOURCES = {  # CRDs the platform installs or prices: no SDK module, apiextensions tokens
    "kubernetes:cert-manager.io/v1:ClusterIssuer",
    "kubernetes:cert-manager.io/v1:Issuer",
    "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    "kubernetes:gateway.networking.k8s.io/v1:GatewayClass",
    "kubernetes:gateway.networking.k8s.io/v1:GatewayPatch",
    "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    "kubernetes:gateway.k8s.aws/v1beta1:LoadBalancerConfiguration",
    "kubernetes:monitoring.coreos.com/v1:Prometheus",
    "kubernetes:monitoring.coreos.com/v1:Alertmanager",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _module_file(token: str) -> Path | None:
    provider, module, kind = token.split(":")
    spec = importlib.util.find_spec(PACKAGES[provider])
    assert spec is not None and spec.origin is not None
    root = Path(spec.origin).parent
    path, _, _ = module.partition("/")
    resource = module.split("/", 1)[1]
    if provider == "kubernetes":
        group = path.split(".")[0] if path not in ("core",) else "core"
        version = resource
        candidate = root / group.replace("-", "_") / version / f"{kind}.py"
        return candidate if candidate.exists() else None
    folder = root / path if (root / path).is_dir() else root / f"{path}_"  # lambda -> lambda_
    candidate = folder / f"{_snake(resource)}.py"
    return candidate if candidate.exists() else None


def _tokens() -> list[str]:
    found = {t for r in RULES for t in r.types if ":" in t and not t.endswith("*")}
    found |= (
        set(AWS_TAGGABLE) | set(PRICERS) | set(catalogue()["usageBased"]) | set(catalogue()["free"])
    )
    skipped = DEPRECATED_ALIBABA | CUSTOM_RESOURCES
    return sorted(t for t in found if t.split(":")[0] in PACKAGES and t not in skipped)


@pytest.mark.parametrize("token", _tokens())
def test_token_exists_in_the_pinned_sdk(token: str) -> None:
    path = _module_file(token)
    assert path is not None, f"{token}: no module file in the SDK"
    assert f"'{token}'" in path.read_text() or f'"{token}"' in path.read_text(), token


READS: dict[str, str] = {
    "aws:ec2/securityGroup:SecurityGroup": "ingress protocol fromPort toPort cidrBlocks ipv6CidrBlocks",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "type protocol fromPort toPort cidrBlocks ipv6CidrBlocks",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "ipProtocol fromPort toPort cidrIpv4 cidrIpv6",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "ingress egress",
    "aws:ec2/subnet:Subnet": "mapPublicIpOnLaunch availabilityZone availabilityZoneId tags",
    "aws:ec2/flowLog:FlowLog": "vpcId",
    "aws:kms/key:Key": "enableKeyRotation customerMasterKeySpec",
    "aws:ec2/launchTemplate:LaunchTemplate": "blockDeviceMappings ebs encrypted volumeType volumeSize deviceName instanceType",
    "aws:ec2/instance:Instance": "rootBlockDevice ebsBlockDevices encrypted instanceType volumeType volumeSize",
    "aws:ebs/volume:Volume": "encrypted type size",
    "aws:rds/cluster:Cluster": "publiclyAccessible storageEncrypted globalClusterIdentifier kmsKeyId deletionProtection "
    "skipFinalSnapshot backupRetentionPeriod engine dbClusterParameterGroupName enabledCloudwatchLogsExports "
    "masterPassword manageMasterUserPassword",
    "aws:rds/clusterInstance:ClusterInstance": "publiclyAccessible instanceClass clusterIdentifier availabilityZone "
    "performanceInsightsEnabled monitoringInterval",
    "aws:rds/instance:Instance": "publiclyAccessible storageEncrypted multiAz deletionProtection skipFinalSnapshot "
    "backupRetentionPeriod parameterGroupName kmsKeyId instanceClass storageType allocatedStorage password engine",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": "family parameters name value",
    "aws:rds/globalCluster:GlobalCluster": "storageEncrypted deletionProtection",
    "aws:elasticache/replicationGroup:ReplicationGroup": "atRestEncryptionEnabled transitEncryptionEnabled "
    "transitEncryptionMode authToken userGroupIds automaticFailoverEnabled multiAzEnabled numCacheClusters "
    "replicasPerNodeGroup snapshotRetentionLimit kmsKeyId nodeType numNodeGroups engine",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "bucket blockPublicAcls blockPublicPolicy ignorePublicAcls restrictPublicBuckets",
    "aws:s3/bucketAcl:BucketAcl": "bucket acl",
    "aws:s3/bucket:Bucket": "acl",
    "aws:s3/bucketPolicy:BucketPolicy": "bucket policy",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "bucket rules "
    "applyServerSideEncryptionByDefault sseAlgorithm kmsMasterKeyId",
    "aws:s3/bucketVersioning:BucketVersioning": "bucket versioningConfiguration status",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "bucket rules abortIncompleteMultipartUpload "
    "expiration days date status",
    "aws:s3/bucketLogging:BucketLogging": "bucket",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": "bucket",
    "aws:cloudfront/distribution:Distribution": "defaultCacheBehavior viewerProtocolPolicy orderedCacheBehaviors "
    "viewerCertificate cloudfrontDefaultCertificate minimumProtocolVersion origins domainName customOriginConfig "
    "originProtocolPolicy originAccessControlId s3OriginConfig originAccessIdentity webAclId loggingConfig bucket priceClass",
    "aws:eks/cluster:Cluster": "vpcConfig endpointPublicAccess publicAccessCidrs encryptionConfig resources "
    "enabledClusterLogTypes version",
    "aws:eks/nodeGroup:NodeGroup": "instanceTypes capacityType scalingConfig desiredSize maxSize subnetIds diskSize launchTemplate",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpcEndpointType subnetIds",
    "aws:wafv2/webAcl:WebAcl": "rules",
    "aws:cloudwatch/logGroup:LogGroup": "retentionInDays",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "alarmActions dimensions",
    "aws:backup/plan:Plan": "rules copyActions targetVaultName lifecycle deleteAfter ruleName",
    "alicloud:ecs/securityGroupRule:SecurityGroupRule": "type ipProtocol portRange cidrIp ipv6CidrIp policy",
    "alicloud:rds/instance:Instance": "securityIps tdeStatus encryptionKey sslAction zoneIdSlaveA deletionProtection instanceType",
    "alicloud:kvstore/instance:Instance": "securityIps enablePublic sslEnable vpcAuthMode secondaryZoneId "
    "instanceReleaseProtection instanceClass dbInstanceName instanceName",
    "alicloud:polardb/cluster:Cluster": "tdeStatus deletionLock securityIps dbClusterIpArrays",
    "alicloud:cs/managedKubernetes:ManagedKubernetes": "slbInternetEnabled encryptionProviderKey deletionProtection",
    "alicloud:cs/nodePool:NodePool": "instanceTypes vswitchIds systemDiskEncrypted dataDisks encrypted",
    "alicloud:kms/key:Key": "automaticRotation",
    "alicloud:oss/bucket:Bucket": "acl policy serverSideEncryptionRule sseAlgorithm kmsMasterKeyId bucket "
    "lifecycleRules expirations days date enabled",
    "alicloud:log/store:Store": "retentionPeriod",
    "alicloud:vpc/switch:Switch": "zoneId",
    "alicloud:vpc/flowLog:FlowLog": "resourceId",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": "backupVaultName",
    "aws:backup/selection:Selection": "planId resources notResources selectionTags conditions stringEquals key value type",
    "aws:rds/parameterGroup:ParameterGroup": "family parameters name value",
    "aws:ec2/natGateway:NatGateway": "subnetId availabilityMode",
    "aws:ec2/route:Route": "routeTableId destinationCidrBlock natGatewayId",
    "aws:ec2/routeTable:RouteTable": "routes cidrBlock natGatewayId",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "subnetId routeTableId",
    "alicloud:oss/bucketAcl:BucketAcl": "bucket acl",
    "alicloud:oss/bucketPolicy:BucketPolicy": "bucket policy",
    "alicloud:oss/bucketPublicAccessBlock:BucketPublicAccessBlock": "bucket blockPublicAccess",
    "alicloud:oss/accountPublicAccessBlock:AccountPublicAccessBlock": "blockPublicAccess",
    "alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption": "bucket sseAlgorithm kmsMasterKeyId",
    "alicloud:polardb/endpoint:Endpoint": "dbClusterId netType sslEnabled",
    "alicloud:polardb/primaryEndpoint:PrimaryEndpoint": "dbClusterId netType sslEnabled",
    "alicloud:polardb/endpointAddress:EndpointAddress": "netType",
    "alicloud:rds/dbProxyPublic:DbProxyPublic": "dbProxyConnectionStringNetType",
    "alicloud:mongodb/instance:Instance": "securityIpLists",
    "alicloud:ecs/disk:Disk": "encrypted paymentType size category performanceLevel",
    "alicloud:ecs/ecsDisk:EcsDisk": "encrypted paymentType size category performanceLevel",
    "alicloud:ecs/instance:Instance": "systemDiskEncrypted dataDisks encrypted deletionProtection instanceType "
    "instanceChargeType spotStrategy systemDiskSize systemDiskCategory systemDiskPerformanceLevel category size "
    "performanceLevel internetMaxBandwidthOut internetChargeType",
    "alicloud:ecs/launchTemplate:LaunchTemplate": "systemDisk dataDisks encrypted",
    "alicloud:ecs/ecsLaunchTemplate:EcsLaunchTemplate": "systemDisk dataDisks encrypted",
    "alicloud:slb/listener:Listener": "protocol tlsCipherPolicy listenerForward",
    "alicloud:slb/loadBalancer:LoadBalancer": "deleteProtection paymentType loadBalancerSpec specification "
    "addressType instanceChargeType",
    "alicloud:slb/applicationLoadBalancer:ApplicationLoadBalancer": "deleteProtection paymentType loadBalancerSpec "
    "specification addressType instanceChargeType",
    "alicloud:alb/listener:Listener": "listenerProtocol securityPolicyId",
    "alicloud:alb/loadBalancer:LoadBalancer": "deletionProtectionEnabled",
    "alicloud:alb/securityPolicy:SecurityPolicy": "tlsVersions",
    "alicloud:alb/rule:Rule": "listenerId ruleActions type redirectConfig protocol",
    "alicloud:nlb/listener:Listener": "listenerProtocol securityPolicyId",
    "alicloud:ram/policy:Policy": "policyDocument document statements effect actions resources",
    "alicloud:resourcemanager/policy:Policy": "policyDocument",
    "alicloud:ram/role:Role": "assumeRolePolicyDocument document ramUsers services",
    "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment": "policyName policyType",
    "alicloud:ram/userPolicyAttachment:UserPolicyAttachment": "policyName policyType",
    "alicloud:ram/groupPolicyAttachment:GroupPolicyAttachment": "policyName policyType",
    "alicloud:ram/accessKey:AccessKey": "status userName",
}
"""The camelCase properties the rules and the estimator read, per type token."""


@pytest.mark.parametrize("token", sorted(READS))
def test_properties_the_rules_read_exist_in_the_sdk(token: str) -> None:
    path = _module_file(token)
    assert path is not None, token
    text = path.read_text() + (path.parent / "_inputs.py").read_text()
    missing = [p for p in READS[token].split() if f'"{_snake(p)}"' not in text]
    assert missing == [], f"{token}: {missing} not in {path.name} / _inputs.py"
