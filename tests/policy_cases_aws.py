"""Cases of the AWS IAM, exposure, encryption and compute rules (policies/guardrails/aws_*.py):
a compliant scenario, violating scenarios (one resource each, so every branch must fire on its
own) and an unknown-at-preview scenario. tests/test_policy_rules.py runs them with the rest."""

from __future__ import annotations

import json
from typing import Any

from tests.policy_kit import UNKNOWN, UNKNOWN_BOOL, Case, R

ACCOUNT = "111122223333"
OTHER = "444455556666"
KEY_ARN = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/app"
OIDC = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"

POLICY = "aws:iam/policy:Policy"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE = "aws:iam/role:Role"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
KMS = "aws:kms/key:Key"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
RPA = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
SSO_ATTACH = "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment"
OPENSEARCH = "aws:opensearch/domain:Domain"
ELASTICSEARCH = "aws:elasticsearch/domain:Domain"
LISTENER = "aws:lb/listener:Listener"
INSTANCE = "aws:ec2/instance:Instance"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
NACL = "aws:ec2/networkAcl:NetworkAcl"
NACL_RULE = "aws:ec2/networkAclRule:NetworkAclRule"
DYNAMODB = "aws:dynamodb/table:Table"
REDSHIFT = "aws:redshift/cluster:Cluster"
MSK = "aws:msk/cluster:Cluster"
DAX = "aws:dax/cluster:Cluster"
ECR = "aws:ecr/repository:Repository"
EC_CLUSTER = "aws:elasticache/cluster:Cluster"
EC_SERVERLESS = "aws:elasticache/serverlessCache:ServerlessCache"
EC_USER = "aws:elasticache/user:User"
SPOT_FLEET = "aws:ec2/spotFleetRequest:SpotFleetRequest"
MEMORYDB = "aws:memorydb/cluster:Cluster"
DOCDB = "aws:docdb/cluster:Cluster"
NEPTUNE = "aws:neptune/cluster:Cluster"


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def grant(principal: Any, action: Any = "sqs:SendMessage", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "*", **extra}


def trust(principal: Any, action: str = "sts:AssumeRole", **extra: Any) -> str:
    return doc({"Effect": "Allow", "Principal": principal, "Action": action, **extra})


def one(type_: str, props: dict[str, Any], name: str = "r") -> list[R]:
    return [R(type_, name, props)]


ROOT_KEY_POLICY = doc(grant({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "kms:*"))
SERVICE_TRUST = trust({"Service": "ec2.amazonaws.com"})
GITHUB_SUB = {
    "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
    "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"},
}
SEARCH_OK = {
    "vpcOptions": {"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-1"]},
    "encryptAtRest": {"enabled": True, "kmsKeyId": KEY_ARN},
    "nodeToNodeEncryption": {"enabled": True},
    "domainEndpointOptions": {
        "enforceHttps": True,
        "tlsSecurityPolicy": "Policy-Min-TLS-1-2-PFS-2023-10",
    },
    "accessPolicies": doc(grant({"AWS": ROLE_ARN}, "es:ESHttp*")),
}
IMDS_OK = {"httpTokens": "required", "httpPutResponseHopLimit": 1, "httpEndpoint": "enabled"}


ALI_NACL = "alicloud:vpc/networkAcl:NetworkAcl"


def ali_acl(policy: str, protocol: str = "all", port: str = "-1/-1") -> dict[str, str]:
    return {"policy": policy, "protocol": protocol, "port": port, "sourceCidrIp": "0.0.0.0/0"}


def nacl_entry(
    rule_no: int, action: str, protocol: str = "-1", port: int = 0, **kw: Any
) -> dict[str, Any]:
    return {
        "ruleNo": rule_no,
        "action": action,
        "protocol": protocol,
        "fromPort": port,
        "toPort": port,
        "cidrBlock": "0.0.0.0/0",
        **kw,
    }


def nacl_rule(port: int, cidr: str = "0.0.0.0/0", **kw: Any) -> dict[str, Any]:
    cidr_key = "ipv6CidrBlock" if ":" in cidr else "cidrBlock"
    return {
        "networkAclId": "acl-1",
        "ruleNumber": 100,
        "ruleAction": "allow",
        "egress": False,
        "protocol": "tcp",
        "fromPort": port,
        "toPort": port,
        cidr_key: cidr,
        **kw,
    }


# fmt: off
AWS_CASES: dict[str, Case] = {
    # ---------------------------------------------------------------- IAM
    "iam-no-admin-policy": Case(
        ok=[
            R(POLICY, "p", {"policy": doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))}),
            R(ROLE, "role", {"assumeRolePolicy": SERVICE_TRUST,
                             "inlinePolicies": [{"name": "d", "policy": doc(allow("ec2:Describe*"))}]}),
            R(KMS, "key", {"policy": ROOT_KEY_POLICY}),  # kms:* for the account root is the norm
            R(POLICY, "deny", {"policy": doc({"Effect": "Deny", "Action": "*", "Resource": "*"})}),
        ],
        bad=[
            one(POLICY, {"policy": doc(allow("*"))}),
            one(ROLE_POLICY, {"role": "r", "policy": doc(allow(["s3:GetObject", "*"], "arn:x"))}),
            one(ROLE, {"assumeRolePolicy": SERVICE_TRUST,
                       "inlinePolicies": [{"name": "a", "policy": doc(allow("*:*"))}]}),
            one(QUEUE_POLICY, {"policy": doc(grant({"AWS": ROLE_ARN}, "*"))}),
            one(POLICY, {"policy": {"Statement": [allow("*")]}}),  # an object, not a string
        ],
        unknown=one(POLICY, {"policy": UNKNOWN}),
    ),
    "iam-no-wildcard-resource": Case(
        ok=[
            R(POLICY, "describe", {"policy": doc(allow(["ec2:DescribeInstances", "ec2:GetSecurityGroupsForVpc",
                                                        "elasticloadbalancing:Describe*", "route53:ListHostedZones"]))}),
            R(POLICY, "tagged", {"policy": doc(allow("ec2:TerminateInstances", "*",
                                                     Condition={"StringEquals": {"aws:ResourceTag/team": "a"}}))}),
            R(POLICY, "scoped", {"policy": doc(allow("s3:PutObject", "arn:aws:s3:::b/*"))}),
            R(POLICY, "one-table", {"policy": doc(allow("dynamodb:PutItem", "arn:aws:dynamodb:eu-west-1:1:table/*"))}),
            R(POLICY, "stack-arn", {"policy": doc(allow("sqs:SendMessage", UNKNOWN))}),
            R(POLICY, "everything", {"policy": doc(allow("*"))}),  # iam-no-admin-policy's finding
        ],
        bad=[
            one(POLICY, {"policy": doc(allow("s3:PutObject"))}),
            one(POLICY, {"policy": doc(allow("s3:*"))}),
            one(POLICY, {"policy": doc(allow("s3:Get*"))}),  # covers GetObject: a data read
            one(POLICY, {"policy": doc(allow("secretsmanager:GetSecretValue"))}),
            one(POLICY, {"policy": doc({"Effect": "Allow", "Action": "sqs:*", "NotResource": "arn:x"})}),
            one(POLICY, {"policy": doc(allow("iam:PassRole", ["arn:x", "*"]))}),
            one(POLICY, {"policy": doc(allow("s3:DeleteObject", "arn:aws:s3:::*/*"))}),
            one(POLICY, {"policy": doc(allow("dynamodb:DeleteTable", "arn:aws:dynamodb:*:*:*"))}),
            one(POLICY, {"policy": doc(allow("s3:PutObject", "*",
                                             Condition={"Bool": {"aws:SecureTransport": "true"}}))}),
            one(POLICY, {"policy": doc(allow("s3:PutObject", "*",
                                             Condition={"StringEqualsIfExists": {"aws:ResourceTag/t": "a"}}))}),
            one(ROLE, {"assumeRolePolicy": SERVICE_TRUST,
                       "inlinePolicies": [{"name": "w", "policy": doc(allow("dynamodb:PutItem"))}]}),
        ],
        unknown=one(POLICY, {"policy": {"Statement": [{"Effect": "Allow", "Action": UNKNOWN, "Resource": "*"}]}}),
    ),
    "iam-no-allow-not-elements": Case(
        ok=[
            R(POLICY, "region-guard", {"policy": doc({"Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
                                                      "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}})}),
            R(BUCKET_POLICY, "bp", {"bucket": "b", "policy": doc({"Effect": "Deny", "NotPrincipal": {"AWS": ROLE_ARN},
                                                                  "Action": "s3:*", "Resource": "*"})}),
        ],
        bad=[
            one(POLICY, {"policy": doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})}),
            one(POLICY, {"policy": doc({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:x"})}),
            one(BUCKET_POLICY, {"bucket": "b", "policy": doc({"Effect": "Allow", "NotPrincipal": {"AWS": ROLE_ARN},
                                                              "Action": "s3:GetObject", "Resource": "*"})}),
            one(ROLE, {"assumeRolePolicy": doc({"Effect": "Allow", "NotPrincipal": {"Service": "ec2.amazonaws.com"},
                                                "Action": "sts:AssumeRole"})}),
        ],
        unknown=one(TOPIC_POLICY, {"arn": "arn:t", "policy": UNKNOWN}),
    ),
    "iam-trust-policy-restricted": Case(
        ok=[
            R(ROLE, "service", {"assumeRolePolicy": SERVICE_TRUST}),
            R(ROLE, "github", {"assumeRolePolicy": trust({"Federated": OIDC}, "sts:AssumeRoleWithWebIdentity",
                                                         Condition=GITHUB_SUB)}),
            R(ROLE, "partner", {"assumeRolePolicy": trust({"AWS": OTHER}, Condition={"StringEquals": {"sts:ExternalId": "x1"}})}),
            R(ROLE, "trusted", {"assumeRolePolicy": trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})}),
            R(ROLE, "named-role", {"assumeRolePolicy": trust({"AWS": f"arn:aws:iam::{OTHER}:role/deployer"})}),
            R(ROLE, "org", {"assumeRolePolicy": trust("*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc"}})}),
        ],
        bad=[
            one(ROLE, {"assumeRolePolicy": trust("*")}),
            one(ROLE, {"assumeRolePolicy": trust({"AWS": "*"})}),
            one(ROLE, {"assumeRolePolicy": trust({"AWS": ["*"]})}),
            one(ROLE, {"assumeRolePolicy": trust({"AWS": OTHER})}),
            one(ROLE, {"assumeRolePolicy": trust({"AWS": [ROLE_ARN, f"arn:aws:iam::{OTHER}:root"]})}),
            one(ROLE, {"assumeRolePolicy": trust({"Federated": OIDC}, "sts:AssumeRoleWithWebIdentity",
                                                 Condition={"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}})}),
            one(ROLE, {"assumeRolePolicy": trust({"Federated": "cognito-identity.amazonaws.com"},
                                                 "sts:AssumeRoleWithWebIdentity")}),
            one(ROLE, {"assumeRolePolicy": trust("*", Condition={"StringNotEquals": {"aws:PrincipalOrgID": "o-abc"}})}),
            one(ROLE, {"assumeRolePolicy": trust("*", Condition={"StringLike": {"aws:PrincipalOrgID": "*"}})}),
        ],
        unknown=one(ROLE, {"assumeRolePolicy": UNKNOWN}),
        config={"trustedAccounts": [ACCOUNT]},
    ),
    "iam-no-admin-managed-policy": Case(
        ok=[
            R(RPA, "worker", {"role": "r", "policyArn": "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"}),
            R(RPA, "own", {"role": "r", "policyArn": UNKNOWN}),  # a policy of the stack: checked itself
            R(ROLE, "ro", {"assumeRolePolicy": SERVICE_TRUST, "managedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}),
            R("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "none", {"roleName": "r", "policyArns": []}),
            R(SSO_ATTACH, "readers", {"instanceArn": "i", "permissionSetArn": "ps", "managedPolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
        ],
        bad=[
            one(RPA, {"role": "r", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
            one("aws:iam/userPolicyAttachment:UserPolicyAttachment", {"user": "u", "policyArn": "arn:aws:iam::aws:policy/PowerUserAccess"}),
            one("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", {"group": "g", "policyArn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"}),
            one(ROLE, {"assumeRolePolicy": SERVICE_TRUST, "managedPolicyArns": ["arn:aws:iam::aws:policy/IAMFullAccess"]}),
            one("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
                {"roleName": "r", "policyArns": ["arn:aws:iam::aws:policy/AdministratorAccess-Amplify"]}),
            one("aws:iam/policyAttachment:PolicyAttachment", {"roles": ["r"], "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
            one(SSO_ATTACH, {"instanceArn": "i", "permissionSetArn": "ps", "managedPolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
        ],
        unknown=one(ROLE, {"assumeRolePolicy": SERVICE_TRUST, "managedPolicyArns": UNKNOWN}),
    ),
    "iam-no-user-credentials": Case(
        ok=[
            R("aws:iam/accessKey:AccessKey", "old", {"user": "ci", "status": "Inactive"}),
            R("aws:iam/sshKey:SshKey", "old-ssh", {"username": "ci", "encoding": "SSH", "publicKey": "k", "status": "Inactive"}),
        ],
        bad=[
            one("aws:iam/accessKey:AccessKey", {"user": "ci"}),
            one("aws:iam/userLoginProfile:UserLoginProfile", {"user": "alice"}),
            one("aws:iam/serviceSpecificCredential:ServiceSpecificCredential", {"userName": "ci", "serviceName": "codecommit.amazonaws.com"}),
            one("aws:iam/signingCertificate:SigningCertificate", {"userName": "ci", "certificateBody": "c", "status": "Active"}),
            one("aws:iam/sshKey:SshKey", {"username": "ci", "encoding": "SSH", "publicKey": "k"}),
        ],
        unknown=one("aws:iam/accessKey:AccessKey", {"user": "ci", "status": UNKNOWN}),
    ),
    "iam-no-user-policies": Case(
        ok=[
            R("aws:iam/policyAttachment:PolicyAttachment", "pa", {"roles": ["r"], "users": [], "policyArn": "arn:p"}),
            R("aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive", "none", {"userName": "u", "policyArns": []}),
        ],
        bad=[
            one("aws:iam/userPolicy:UserPolicy", {"user": "u", "policy": doc(allow("s3:ListBucket", "arn:x"))}),
            one("aws:iam/userPolicyAttachment:UserPolicyAttachment", {"user": "u", "policyArn": "arn:p"}),
            one("aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive", {"userName": "u", "policyArns": ["arn:p"]}),
            one("aws:iam/policyAttachment:PolicyAttachment", {"users": ["bob"], "policyArn": "arn:p"}),
        ],
        unknown=one("aws:iam/policyAttachment:PolicyAttachment", {"users": UNKNOWN, "policyArn": "arn:p"}),
    ),
    # ---------------------------------------------------------------- exposure
    "resource-policy-not-public": Case(
        ok=[
            R(QUEUE_POLICY, "q", {"queueUrl": "u", "policy": doc(grant("*", Condition={"ArnEquals": {"aws:SourceArn": "arn:aws:sns:eu-west-1:1:t"}}))}),
            R(TOPIC, "t", {"policy": doc(grant({"AWS": "*"}, "sns:Publish", Condition={"StringEquals": {"AWS:SourceOwner": ACCOUNT}}))}),
            R(KMS, "k", {"policy": ROOT_KEY_POLICY}),
            R("aws:secretsmanager/secret:Secret", "s", {"policy": doc(grant({"AWS": ROLE_ARN}, "secretsmanager:GetSecretValue"))}),
            R(OPENSEARCH, "search", SEARCH_OK),
            R("aws:ecr/repositoryPolicy:RepositoryPolicy", "repo", {"repository": "r", "policy": doc(
                grant("*", "ecr:BatchGetImage", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}))}),
            R("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "logs", {"policyName": "p", "policyDocument": doc(
                grant({"Service": "delivery.logs.amazonaws.com"}, "logs:PutLogEvents"))}),
            R(QUEUE, "no-policy", {}),
            R("aws:dynamodb/resourcePolicy:ResourcePolicy", "table-policy", {"resourceArn": "t", "policy": doc(grant({"AWS": ROLE_ARN}, "dynamodb:GetItem"))}),
        ],
        bad=[
            one(QUEUE_POLICY, {"queueUrl": "u", "policy": doc(grant("*"))}),
            one(TOPIC, {"policy": doc(grant({"AWS": ["*"]}, "sns:Subscribe"))}),
            one(KMS, {"policy": doc({"Effect": "Allow", "NotPrincipal": {"AWS": ROLE_ARN}, "Action": "kms:Decrypt", "Resource": "*"})}),
            one("aws:ecr/repositoryPolicy:RepositoryPolicy", {"repository": "r", "policy": doc(
                grant("*", "ecr:BatchGetImage", Condition={"Bool": {"aws:SecureTransport": "true"}}))}),
            one(OPENSEARCH, {**SEARCH_OK, "accessPolicies": doc(grant({"AWS": "*"}, "es:*"))}),
            one("aws:secretsmanager/secretPolicy:SecretPolicy", {"secretArn": "s", "policy": doc(
                grant("*", "secretsmanager:GetSecretValue", Condition={"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}))}),
            one("aws:glacier/vault:Vault", {"accessPolicy": doc(grant("*", "glacier:InitiateJob"))}),
            # Probed in session 13: resource policies of more services passed prod before.
            one("aws:codeartifact/repositoryPermissionsPolicy:RepositoryPermissionsPolicy",
                {"domain": "d", "repository": "r", "policyDocument": doc(grant("*", "codeartifact:ReadFromRepository"))}),
            one("aws:dynamodb/resourcePolicy:ResourcePolicy", {"resourceArn": "t", "policy": doc(grant({"AWS": "*"}, "dynamodb:GetItem"))}),
            one("aws:glue/resourcePolicy:ResourcePolicy", {"policy": doc(grant("*", "glue:GetTable"))}),
            one("aws:s3tables/tableBucketPolicy:TableBucketPolicy", {"tableBucketArn": "b", "resourcePolicy": doc(grant("*", "s3tables:GetTableData"))}),
            one("aws:efs/fileSystemPolicy:FileSystemPolicy", {"fileSystemId": "fs", "policy": doc(
                grant({"AWS": "*"}, "elasticfilesystem:ClientMount",
                      Condition={"StringNotEquals": {"aws:PrincipalOrgID": "o-abc"}}))}),
            one("aws:backup/vaultPolicy:VaultPolicy", {"backupVaultName": "v", "policy": doc(grant("*", "backup:CopyIntoBackupVault"))}),
            one("aws:s3control/accessPointPolicy:AccessPointPolicy", {"accessPointArn": "a", "policy": doc(grant("*", "s3:GetObject"))}),
            one("aws:cloudwatch/eventBusPolicy:EventBusPolicy", {"policy": doc(grant("*", "events:PutEvents"))}),
        ],
        unknown=one(QUEUE_POLICY, {"queueUrl": "u", "policy": UNKNOWN}),
    ),
    "bucket-acls-disabled": Case(
        ok=one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", {"bucket": "b", "rule": {"objectOwnership": "BucketOwnerEnforced"}}),
        bad=[
            one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", {"bucket": "b", "rule": {"objectOwnership": "ObjectWriter"}}),
            one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", {"bucket": "b", "rule": {"objectOwnership": "BucketOwnerPreferred"}}),
        ],
        unknown=one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", {"bucket": "b", "rule": UNKNOWN}),
    ),
    "lambda-not-public": Case(
        ok=[
            R("aws:lambda/functionUrl:FunctionUrl", "url", {"functionName": "f", "authorizationType": "AWS_IAM"}),
            R("aws:lambda/permission:Permission", "s3", {"function": "f", "action": "lambda:InvokeFunction",
                                                          "principal": "s3.amazonaws.com", "sourceArn": UNKNOWN}),
            R("aws:lambda/permission:Permission", "acct", {"function": "f", "action": "lambda:InvokeFunction", "principal": OTHER}),
            R("aws:lambda/permission:Permission", "org", {"function": "f", "action": "lambda:InvokeFunction",
                                                           "principal": "*", "principalOrgId": "o-abc"}),
            R("aws:lambda/layerVersionPermission:LayerVersionPermission", "layer", {"layerName": "l", "versionNumber": 1,
                                                                                      "action": "lambda:GetLayerVersion", "principal": "*",
                                                                                      "statementId": "s", "organizationId": "o-abc"}),
        ],
        bad=[
            one("aws:lambda/functionUrl:FunctionUrl", {"functionName": "f", "authorizationType": "NONE"}),
            one("aws:lambda/permission:Permission", {"function": "f", "action": "lambda:InvokeFunction", "principal": "*"}),
            one("aws:lambda/permission:Permission", {"function": "f", "action": "lambda:InvokeFunctionUrl", "principal": OTHER,
                                                     "functionUrlAuthType": "NONE"}),
            one("aws:lambda/permission:Permission", {"function": "f", "action": "lambda:InvokeFunction",
                                                     "principal": "events.amazonaws.com"}),
            one("aws:lambda/layerVersionPermission:LayerVersionPermission", {"layerName": "l", "versionNumber": 1,
                                                                              "action": "lambda:GetLayerVersion", "principal": "*",
                                                                              "statementId": "s"}),
        ],
        unknown=one("aws:lambda/functionUrl:FunctionUrl", {"functionName": "f", "authorizationType": UNKNOWN}),
    ),
    "lb-tls-listeners": Case(
        ok=[
            R(LISTENER, "http", {"protocol": "HTTP", "port": 80, "defaultActions": [
                {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]}),
            R(LISTENER, "https", {"protocol": "HTTPS", "port": 443, "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                                  "defaultActions": [{"type": "forward", "targetGroupArn": "tg"}]}),
            R("aws:alb/listener:Listener", "tls", {"protocol": "TLS", "port": 443, "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
                                                   "defaultActions": [{"type": "forward"}]}),
            R(LISTENER, "tcp", {"protocol": "TCP", "port": 5432, "defaultActions": [{"type": "forward"}]}),
            R(LISTENER, "fixed", {"protocol": "HTTP", "port": 80, "defaultActions": [{"type": "fixed-response"}]}),
            R("aws:elb/loadBalancer:LoadBalancer", "classic", {"listeners": [{"lbProtocol": "https", "lbPort": 443,
                                                                                "instanceProtocol": "http", "instancePort": 80}]}),
            R("aws:apigateway/domainName:DomainName", "api", {"domainName": "api.example.com", "securityPolicy": "TLS_1_2"}),
            R("aws:apigatewayv2/domainName:DomainName", "api-v2", {"domainName": "api.example.com",
              "domainNameConfiguration": {"certificateArn": "c", "endpointType": "REGIONAL", "securityPolicy": "TLS_1_2"}}),
        ],
        bad=[
            one(LISTENER, {"protocol": "HTTP", "port": 80, "defaultActions": [{"type": "forward", "targetGroupArn": "tg"}]}),
            one(LISTENER, {"port": 80, "defaultActions": [{"type": "forward"}]}),  # protocol defaults to HTTP
            one(LISTENER, {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-2016-08", "defaultActions": [{"type": "forward"}]}),
            one(LISTENER, {"protocol": "HTTPS", "defaultActions": [{"type": "forward"}]}),
            one("aws:alb/listener:Listener", {"protocol": "TLS", "sslPolicy": "ELBSecurityPolicy-TLS-1-0-2015-04",
                                              "defaultActions": [{"type": "forward"}]}),
            one("aws:elb/loadBalancer:LoadBalancer", {"listeners": [{"lbProtocol": "http", "lbPort": 80,
                                                                     "instanceProtocol": "http", "instancePort": 80}]}),
            one("aws:apigateway/domainName:DomainName", {"domainName": "api.example.com", "securityPolicy": "TLS_1_0"}),
            one("aws:apigateway/domainName:DomainName", {"domainName": "api.example.com"}),
            one("aws:apigatewayv2/domainName:DomainName", {"domainName": "api.example.com",
                "domainNameConfiguration": {"certificateArn": "c", "endpointType": "REGIONAL", "securityPolicy": "TLS_1_0"}}),
        ],
        unknown=one(LISTENER, {"protocol": "HTTPS", "sslPolicy": UNKNOWN, "defaultActions": [{"type": "forward"}]}),
    ),
    "snapshots-and-images-not-public": Case(
        ok=[
            R("aws:rds/snapshot:Snapshot", "snap", {"dbInstanceIdentifier": "db", "dbSnapshotIdentifier": "s", "sharedAccounts": [OTHER]}),
            R("aws:ec2/amiLaunchPermission:AmiLaunchPermission", "ami", {"imageId": "ami-1", "accountId": OTHER}),
            R("aws:ec2/imageBlockPublicAccess:ImageBlockPublicAccess", "ibpa", {"state": "block-new-sharing"}),
            R("aws:ebs/snapshotBlockPublicAccess:SnapshotBlockPublicAccess", "sbpa", {"state": "block-all-sharing"}),
            R("aws:ssm/document:Document", "doc", {"content": "{}", "documentType": "Command",
                                                    "permissions": {"type": "Share", "account_ids": OTHER}}),
        ],
        bad=[
            one("aws:rds/snapshotCopy:SnapshotCopy", {"targetDbSnapshotIdentifier": "t", "sharedAccounts": ["all"]}),
            one("aws:rds/clusterSnapshotCopy:ClusterSnapshotCopy", {"targetDbClusterSnapshotIdentifier": "t", "sharedAccounts": ["all"]}),
            one("aws:rds/snapshot:Snapshot", {"dbInstanceIdentifier": "db", "dbSnapshotIdentifier": "s", "sharedAccounts": ["all"]}),
            one("aws:rds/clusterSnapshot:ClusterSnapshot", {"dbClusterIdentifier": "c", "dbClusterSnapshotIdentifier": "s",
                                                            "sharedAccounts": [OTHER, "all"]}),
            one("aws:ec2/amiLaunchPermission:AmiLaunchPermission", {"imageId": "ami-1", "group": "all"}),
            one("aws:ec2/imageBlockPublicAccess:ImageBlockPublicAccess", {"state": "unblocked"}),
            one("aws:ebs/snapshotBlockPublicAccess:SnapshotBlockPublicAccess", {"state": "unblocked"}),
            one("aws:ssm/document:Document", {"content": "{}", "documentType": "Command",
                                              "permissions": {"type": "Share", "accountIds": "All"}}),
            # a map input: the SDK sends the provider's own key spelling
            one("aws:ssm/document:Document", {"content": "{}", "documentType": "Command",
                                              "permissions": {"type": "Share", "account_ids": "All"}}),
        ],
        unknown=one("aws:rds/snapshot:Snapshot", {"dbInstanceIdentifier": "db", "dbSnapshotIdentifier": "s", "sharedAccounts": UNKNOWN}),
    ),
    "search-domain-private": Case(
        ok=[
            R(OPENSEARCH, "os", SEARCH_OK),
            R(ELASTICSEARCH, "es", SEARCH_OK),
            R("aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy", "net", {"type": "network", "name": "n",
              "policy": json.dumps([{"Rules": [{"ResourceType": "collection", "Resource": ["collection/a"]}],
                                     "AllowFromPublic": False, "SourceVPCEs": ["vpce-1"]}])}),
            R("aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy", "enc", {"type": "encryption", "name": "e",
              "policy": json.dumps({"Rules": [], "AWSOwnedKey": False, "KmsARN": KEY_ARN})}),
        ],
        bad=[
            one(OPENSEARCH, {k: v for k, v in SEARCH_OK.items() if k != "vpcOptions"}),
            one(ELASTICSEARCH, {**SEARCH_OK, "vpcOptions": {"subnetIds": []}}),
            one("aws:opensearch/serverlessSecurityPolicy:ServerlessSecurityPolicy", {"type": "network", "name": "n",
                "policy": json.dumps([{"Rules": [], "AllowFromPublic": True}])}),
        ],
        unknown=one(OPENSEARCH, {**SEARCH_OK, "vpcOptions": UNKNOWN}),
    ),
    "net-nacl-no-public-ingress": Case(
        ok=[
            R(NACL, "public", {"vpcId": "v", "ingress": [
                {**nacl_entry(90, "deny", "tcp"), "fromPort": 20, "toPort": 22}, nacl_entry(91, "deny", "tcp", 3389),
                nacl_entry(100, "allow")]}),
            R(NACL, "web", {"vpcId": "v", "ingress": [nacl_entry(100, "allow", "tcp", 443),
                                                       {**nacl_entry(110, "allow", "tcp"), "fromPort": 1024, "toPort": 3388},
                                                       {**nacl_entry(120, "allow", "tcp", 22), "cidrBlock": "10.0.0.0/8"}]}),
            R(NACL_RULE, "https", nacl_rule(443)),
            R(NACL_RULE, "egress", {**nacl_rule(22), "egress": True}),
            R(NACL_RULE, "vpn-ssh", nacl_rule(22, "10.8.0.0/16")),
            R("aws:ec2/defaultNetworkAcl:DefaultNetworkAcl", "default", {"defaultNetworkAclId": "acl-0"}),
            # Alibaba Cloud: entries apply in list order, a drop before the accept holds
            R(ALI_NACL, "ali", {"vpcId": "v", "ingressAclEntries": [
                ali_acl("drop", "tcp", "20/22"), ali_acl("drop", "tcp", "3389/3389"), ali_acl("accept")]}),
            R(ALI_NACL, "ali-web", {"vpcId": "v", "ingressAclEntries": [ali_acl("accept", "tcp", "443/443")]}),
        ],
        bad=[
            one(NACL, {"vpcId": "v", "ingress": [nacl_entry(100, "allow")]}),
            one(NACL_RULE, nacl_rule(22)),
            one(NACL_RULE, nacl_rule(3389, "::/0")),
            one("aws:ec2/defaultNetworkAcl:DefaultNetworkAcl", {"defaultNetworkAclId": "acl-0", "ingress": [nacl_entry(100, "allow")]}),
            one(NACL, {"vpcId": "v", "ingress": [{**nacl_entry(100, "allow", "tcp"), "fromPort": 0, "toPort": 65535}]}),
            one(NACL, {"vpcId": "v", "ingress": [nacl_entry(200, "deny", "tcp", 22), nacl_entry(100, "allow", "tcp", 22)]}),
            one(ALI_NACL, {"vpcId": "v", "ingressAclEntries": [ali_acl("accept")]}),
            one(ALI_NACL, {"vpcId": "v", "ingressAclEntries": [ali_acl("accept", "tcp", "22/22"), ali_acl("drop", "tcp", "22/22")]}),
            one(ALI_NACL, {"vpcId": "v", "ingressAclEntries": [ali_acl("accept", "tcp", "1/65535")]}),
        ],
        unknown=one(NACL_RULE, nacl_rule(22, UNKNOWN)),
    ),
    "data-endpoint-not-public": Case(
        ok=[
            R(REDSHIFT, "rs", {"clusterIdentifier": "rs", "nodeType": "ra3.xlplus", "publiclyAccessible": False}),
            R("aws:redshiftserverless/workgroup:Workgroup", "wg", {"namespaceName": "n", "workgroupName": "w"}),
            R("aws:dms/replicationInstance:ReplicationInstance", "dms", {"publiclyAccessible": False}),
            R("aws:mq/broker:Broker", "mq", {"publiclyAccessible": False}),
            R("aws:neptune/clusterInstance:ClusterInstance", "nep", {"clusterIdentifier": "c", "instanceClass": "db.r6g.large"}),
            R(MSK, "msk", {"brokerNodeGroupInfo": {"connectivityInfo": {"publicAccess": {"type": "DISABLED"}}}}),
            R("aws:sagemaker/notebookInstance:NotebookInstance", "nb", {"directInternetAccess": "Disabled"}),
        ],
        bad=[
            one(REDSHIFT, {"clusterIdentifier": "rs", "nodeType": "ra3.xlplus", "publiclyAccessible": True}),
            one("aws:redshiftserverless/workgroup:Workgroup", {"publiclyAccessible": True}),
            one("aws:dms/replicationInstance:ReplicationInstance", {"publiclyAccessible": True}),
            one("aws:mq/broker:Broker", {"publiclyAccessible": "true"}),
            one("aws:neptune/clusterInstance:ClusterInstance", {"publiclyAccessible": True}),
            one(MSK, {"brokerNodeGroupInfo": {"connectivityInfo": {"publicAccess": {"type": "SERVICE_PROVIDED_EIPS"}}}}),
            one("aws:sagemaker/notebookInstance:NotebookInstance", {"instanceType": "ml.t3.medium"}),
        ],
        unknown=one(REDSHIFT, {"clusterIdentifier": "rs", "publiclyAccessible": UNKNOWN_BOOL}),
    ),
    "api-auth-required": Case(
        ok=[
            R("aws:apigateway/method:Method", "get", {"httpMethod": "GET", "authorization": "AWS_IAM"}),
            R("aws:apigateway/method:Method", "preflight", {"httpMethod": "OPTIONS", "authorization": "NONE"}),
            R("aws:apigateway/method:Method", "keyed", {"httpMethod": "GET", "authorization": "NONE", "apiKeyRequired": True}),
            R("aws:apigatewayv2/route:Route", "jwt", {"apiId": "a", "routeKey": "GET /items", "authorizationType": "JWT"}),
            R("aws:apigatewayv2/route:Route", "options", {"apiId": "a", "routeKey": "OPTIONS /items"}),
            R("aws:apigatewayv2/route:Route", "ws-message", {"apiId": "a", "routeKey": "sendmessage"}),
            R("aws:apigatewayv2/route:Route", "ws-bye", {"apiId": "a", "routeKey": "$disconnect"}),
        ],
        bad=[
            one("aws:apigateway/method:Method", {"httpMethod": "GET", "authorization": "NONE"}),
            one("aws:apigatewayv2/route:Route", {"apiId": "a", "routeKey": "POST /orders"}),
            one("aws:apigatewayv2/route:Route", {"apiId": "a", "routeKey": "$connect", "authorizationType": "NONE"}),
            one("aws:apigatewayv2/route:Route", {"apiId": "a", "routeKey": "$default"}),
        ],
        unknown=one("aws:apigateway/method:Method", {"httpMethod": "GET", "authorization": UNKNOWN}),
    ),
    # ---------------------------------------------------------------- compute
    "ec2-imdsv2-required": Case(
        ok=[
            R(INSTANCE, "vm", {"metadataOptions": IMDS_OK}),
            R(INSTANCE, "from-lt", {"launchTemplate": {"id": "lt-1", "version": "1"}}),
            R(LT, "lt", {"metadataOptions": IMDS_OK}),
            R(LT, "no-imds", {"metadataOptions": {"httpEndpoint": "disabled"}}),
            R("aws:ec2/launchConfiguration:LaunchConfiguration", "lc", {"metadataOptions": {"httpTokens": "required"}}),
            R("aws:ec2/spotInstanceRequest:SpotInstanceRequest", "spot", {"metadataOptions": IMDS_OK}),
            R("aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults", "defaults", {"httpTokens": "required", "httpPutResponseHopLimit": 1}),
            R("aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration", "ib",
              {"instanceProfileName": "p", "instanceMetadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1}}),
            R("aws:sagemaker/notebookInstance:NotebookInstance", "nb",
              {"instanceMetadataServiceConfiguration": {"minimumInstanceMetadataServiceVersion": "2"}}),
            R(SPOT_FLEET, "fleet", {"iamFleetRole": "r", "targetCapacity": 1,
                                    "launchTemplateConfigs": [{"launchTemplateSpecification": {"id": "lt-1", "version": "1"}}]}),
        ],
        bad=[
            one(INSTANCE, {"instanceType": "t3.micro"}),
            one(INSTANCE, {"metadataOptions": {"httpTokens": "optional"}}),
            one(LT, {"metadataOptions": {**IMDS_OK, "httpTokens": "optional"}}),
            one(LT, {"metadataOptions": {**IMDS_OK, "httpPutResponseHopLimit": 2}}),
            one("aws:ec2/launchConfiguration:LaunchConfiguration", {"imageId": "ami-1"}),
            one("aws:ec2/instanceMetadataDefaults:InstanceMetadataDefaults", {"httpTokens": "optional"}),
            one("aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration", {"instanceProfileName": "p"}),
            one("aws:sagemaker/notebookInstance:NotebookInstance", {"instanceType": "ml.t3.medium"}),
            one(SPOT_FLEET, {"iamFleetRole": "r", "targetCapacity": 1, "launchSpecifications": [{"ami": "ami-1", "instanceType": "t3.micro"}]}),
        ],
        unknown=one(INSTANCE, {"metadataOptions": UNKNOWN}),
    ),
    "ec2-no-public-ip": Case(
        ok=[
            R(INSTANCE, "vm", {"associatePublicIpAddress": False}),
            R(LT, "lt", {"networkInterfaces": [{"associatePublicIpAddress": "false", "deviceIndex": 0}]}),
            R("aws:ec2/defaultSubnet:DefaultSubnet", "default", {"availabilityZone": "eu-west-1a", "mapPublicIpOnLaunch": False}),
            R("aws:ec2/eip:Eip", "nat", {"domain": "vpc"}),
            R("aws:ec2/eipAssociation:EipAssociation", "eni", {"allocationId": "a", "networkInterfaceId": "eni-1"}),
            R("aws:ecs/service:Service", "svc", {"networkConfiguration": {"subnets": ["s"], "assignPublicIp": False}}),
            R("aws:ecs/service:Service", "ec2-svc", {"desiredCount": 2}),
        ],
        bad=[
            one(INSTANCE, {"associatePublicIpAddress": True}),
            one(LT, {"networkInterfaces": [{"associatePublicIpAddress": "true", "deviceIndex": 0}]}),
            one("aws:ec2/launchConfiguration:LaunchConfiguration", {"imageId": "ami-1", "associatePublicIpAddress": True}),
            one("aws:ec2/spotInstanceRequest:SpotInstanceRequest", {"associatePublicIpAddress": True}),
            one("aws:ec2/defaultSubnet:DefaultSubnet", {"availabilityZone": "eu-west-1a"}),
            one("aws:ec2/eip:Eip", {"domain": "vpc", "instance": "i-1"}),
            one("aws:ec2/eipAssociation:EipAssociation", {"allocationId": "a", "instanceId": "i-1"}),
            one("aws:ecs/service:Service", {"networkConfiguration": {"subnets": ["s"], "assignPublicIp": True}}),
            one(SPOT_FLEET, {"iamFleetRole": "r", "targetCapacity": 1,
                             "launchSpecifications": [{"ami": "ami-1", "instanceType": "t3.micro", "associatePublicIpAddress": True}]}),
        ],
        unknown=one(INSTANCE, {"associatePublicIpAddress": UNKNOWN_BOOL}),
    ),
    # ---------------------------------------------------------------- encryption and data services
    "data-services-encrypted-at-rest": Case(
        ok=[
            R(QUEUE, "sse-sqs", {}),  # SSE-SQS is the service default
            R(QUEUE, "sse-kms", {"sqsManagedSseEnabled": False, "kmsMasterKeyId": KEY_ARN}),
            R(TOPIC, "t", {"kmsMasterKeyId": UNKNOWN}),
            R("aws:efs/fileSystem:FileSystem", "fs", {"encrypted": True}),
            R("aws:ebs/encryptionByDefault:EncryptionByDefault", "ebs", {}),
            R(OPENSEARCH, "os", SEARCH_OK),
            R("aws:kinesis/stream:Stream", "k", {"encryptionType": "KMS", "kmsKeyId": KEY_ARN}),
            R("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "fh", {"destination": "extended_s3",
                                                                                  "serverSideEncryption": {"enabled": True}}),
            R("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "fh-k", {"destination": "extended_s3",
                                                                                    "kinesisSourceConfiguration": {"kinesisStreamArn": "a"}}),
            R(DOCDB, "doc", {"storageEncrypted": True}),
            R(NEPTUNE, "nep", {"storageEncrypted": "true"}),
            R(REDSHIFT, "rs", {"clusterIdentifier": "rs", "nodeType": "ra3.xlplus"}),
            R(DAX, "dax", {"serverSideEncryption": {"enabled": True}}),
        ],
        bad=[
            one(QUEUE, {"sqsManagedSseEnabled": False}),
            one(TOPIC, {"name": "t"}),
            one("aws:efs/fileSystem:FileSystem", {}),
            one("aws:ebs/encryptionByDefault:EncryptionByDefault", {"enabled": False}),
            one(ELASTICSEARCH, {**SEARCH_OK, "encryptAtRest": {"enabled": False}}),
            one("aws:kinesis/stream:Stream", {"shardCount": 1}),
            one("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", {"destination": "extended_s3"}),
            one(DOCDB, {}),
            one(NEPTUNE, {"storageEncrypted": False}),
            one(REDSHIFT, {"clusterIdentifier": "rs", "encrypted": "false"}),
            one(DAX, {}),
        ],
        unknown=one(OPENSEARCH, {**SEARCH_OK, "encryptAtRest": UNKNOWN}),
    ),
    "data-services-encrypted-in-transit": Case(
        ok=[
            R(OPENSEARCH, "os", SEARCH_OK),
            R(MSK, "msk", {}),  # TLS between clients and brokers and inside the cluster by default
            R("aws:docdb/clusterParameterGroup:ClusterParameterGroup", "doc-pg", {"family": "docdb5.0",
                                                                                 "parameters": [{"name": "tls", "value": "enabled"}]}),
            R("aws:redshift/parameterGroup:ParameterGroup", "rs-pg", {"family": "redshift-1.0",
                                                                     "parameters": [{"name": "require_ssl", "value": "true"}]}),
            R(REDSHIFT, "rs", {"clusterIdentifier": "rs", "clusterParameterGroupName": "rs-pg"}),
            R(DAX, "dax", {"clusterEndpointEncryptionType": "TLS"}),
        ],
        bad=[
            one(OPENSEARCH, {**SEARCH_OK, "nodeToNodeEncryption": {"enabled": False}}),
            one(OPENSEARCH, {**SEARCH_OK, "domainEndpointOptions": {"enforceHttps": False,
                                                                    "tlsSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"}}),
            one(ELASTICSEARCH, {**SEARCH_OK, "domainEndpointOptions": {"enforceHttps": True,
                                                                       "tlsSecurityPolicy": "Policy-Min-TLS-1-0-2019-07"}}),
            one(MSK, {"encryptionInfo": {"encryptionInTransit": {"clientBroker": "TLS_PLAINTEXT"}}}),
            one(MSK, {"encryptionInfo": {"encryptionInTransit": {"inCluster": False}}}),
            one("aws:docdb/clusterParameterGroup:ClusterParameterGroup", {"family": "docdb5.0",
                                                                         "parameters": [{"name": "tls", "value": "disabled"}]}),
            one("aws:redshift/parameterGroup:ParameterGroup", {"family": "redshift-1.0",
                                                              "parameters": [{"name": "require_ssl", "value": "false"}]}),
            one(REDSHIFT, {"clusterIdentifier": "rs"}),
            one(DAX, {}),
        ],
        unknown=one(OPENSEARCH, {**SEARCH_OK, "domainEndpointOptions": UNKNOWN}),
    ),
    "data-services-cmk": Case(
        ok=[
            R(DYNAMODB, "t", {"serverSideEncryption": {"enabled": True, "kmsKeyArn": KEY_ARN}}),
            R("aws:secretsmanager/secret:Secret", "s", {"kmsKeyId": UNKNOWN}),  # a key the stack creates
            R("aws:cloudwatch/logGroup:LogGroup", "lg", {"kmsKeyId": KEY_ARN}),
            R("aws:backup/vault:Vault", "v", {"kmsKeyArn": KEY_ARN}),
            R(QUEUE, "q", {"kmsMasterKeyId": KEY_ARN}),
            R(TOPIC, "t2", {"kmsMasterKeyId": "alias/acme-topics"}),
            R("aws:efs/fileSystem:FileSystem", "fs", {"encrypted": True, "kmsKeyId": KEY_ARN}),
            R(ECR, "repo", {"encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": KEY_ARN}]}),
            R(OPENSEARCH, "os", SEARCH_OK),
            R("aws:kinesis/stream:Stream", "k", {"kmsKeyId": KEY_ARN}),
            R(MSK, "msk", {"encryptionInfo": {"encryptionAtRestKmsKeyArn": KEY_ARN}}),
            R(DOCDB, "doc", {"kmsKeyId": KEY_ARN}),
            R(NEPTUNE, "nep", {"kmsKeyArn": KEY_ARN}),
            R(REDSHIFT, "rs", {"kmsKeyId": KEY_ARN}),
            R(MEMORYDB, "mem", {"kmsKeyArn": KEY_ARN}),
            R(EC_SERVERLESS, "cache", {"kmsKeyId": KEY_ARN}),
            R("aws:mq/broker:Broker", "mq", {"encryptionOptions": {"useAwsOwnedKey": False, "kmsKeyId": KEY_ARN}}),
            R("aws:ssm/parameter:Parameter", "plain", {"type": "String", "value": "v"}),
            R("aws:ssm/parameter:Parameter", "secure", {"type": "SecureString", "keyId": KEY_ARN}),
            R("aws:cloudtrail/trail:Trail", "trail", {"s3BucketName": "b", "kmsKeyId": KEY_ARN}),
            R("aws:fsx/ontapFileSystem:OntapFileSystem", "ontap", {"deploymentType": "MULTI_AZ_1", "kmsKeyId": KEY_ARN}),
            R("aws:fsx/lustreFileSystem:LustreFileSystem", "scratch", {"deploymentType": "SCRATCH_2"}),
        ],
        bad=[
            one(DYNAMODB, {"name": "t"}),
            one(DYNAMODB, {"serverSideEncryption": {"enabled": True}}),  # the AWS-managed aws/dynamodb key
            one("aws:secretsmanager/secret:Secret", {}),
            one("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": 30}),
            one("aws:backup/vault:Vault", {}),
            one(TOPIC, {"kmsMasterKeyId": "alias/aws/sns"}),
            one(ECR, {"encryptionConfigurations": [{"encryptionType": "AES256"}]}),
            one(ECR, {"encryptionConfigurations": [{"encryptionType": "KMS"}]}),
            one("aws:mq/broker:Broker", {}),
            one("aws:ssm/parameter:Parameter", {"type": "SecureString"}),
            one("aws:kinesis/stream:Stream", {"kmsKeyId": "alias/aws/kinesis"}),
            one("aws:cloudtrail/trail:Trail", {"s3BucketName": "b"}),
            one("aws:fsx/windowsFileSystem:WindowsFileSystem", {"storageCapacity": 32, "throughputCapacity": 32}),
            one("aws:fsx/lustreFileSystem:LustreFileSystem", {"deploymentType": "PERSISTENT_2"}),
        ],
        unknown=one(DYNAMODB, {"serverSideEncryption": UNKNOWN}),
    ),
    "cache-encrypted-and-authenticated": Case(
        ok=[
            R(EC_CLUSTER, "member", {"replicationGroupId": "rg-1"}),
            R(EC_CLUSTER, "member-of-stack-group", {"replicationGroupId": UNKNOWN}),
            R(EC_SERVERLESS, "sless", {"engine": "valkey", "userGroupId": "ug-1"}),
            R(MEMORYDB, "mem", {"aclName": "app-acl", "nodeType": "db.r7g.large"}),
            R(EC_USER, "off", {"userId": "d", "userName": "default", "engine": "valkey", "accessString": "off ~* -@all",
                               "noPasswordRequired": True}),
            R(EC_USER, "app", {"userId": "a", "userName": "app", "engine": "valkey", "accessString": "on ~app:* +@read",
                               "authenticationMode": {"type": "password", "passwords": [UNKNOWN]}}),
        ],
        bad=[
            one(EC_CLUSTER, {"engine": "redis", "nodeType": "cache.t4g.small", "numCacheNodes": 1}),
            one(EC_CLUSTER, {"engine": "memcached", "transitEncryptionEnabled": True}),
            one(EC_SERVERLESS, {"engine": "valkey"}),
            one(EC_SERVERLESS, {"engine": "memcached"}),
            one(MEMORYDB, {"aclName": "app-acl", "tlsEnabled": False}),
            one(MEMORYDB, {"aclName": "open-access"}),
            one(EC_USER, {"userId": "u", "userName": "default", "engine": "valkey", "accessString": "on ~* +@all",
                          "noPasswordRequired": True}),
            one(EC_USER, {"userId": "u", "userName": "app", "engine": "valkey", "accessString": "on ~* +@all",
                          "authenticationMode": {"type": "no-password-required"}}),
        ],
        unknown=one(EC_CLUSTER, {"engine": UNKNOWN}),
    ),
    "ecr-scan-and-immutable-tags": Case(
        ok=one(ECR, {"imageScanningConfiguration": {"scanOnPush": True}, "imageTagMutability": "IMMUTABLE"}),
        bad=[
            one(ECR, {"imageTagMutability": "IMMUTABLE"}),
            one(ECR, {"imageScanningConfiguration": {"scanOnPush": True}, "imageTagMutability": "MUTABLE"}),
            one(ECR, {"imageScanningConfiguration": {"scanOnPush": True}}),  # MUTABLE by default
        ],
        unknown=one(ECR, {"imageScanningConfiguration": UNKNOWN, "imageTagMutability": "IMMUTABLE"}),
    ),
    "data-point-in-time-recovery": Case(
        ok=[
            R(DYNAMODB, "t", {"pointInTimeRecovery": {"enabled": True}}),
            R(DOCDB, "doc", {"backupRetentionPeriod": 7}),
            R(NEPTUNE, "nep", {"backupRetentionPeriod": 14}),
            R(REDSHIFT, "rs", {"clusterIdentifier": "rs", "automatedSnapshotRetentionPeriod": 7}),
            R(MEMORYDB, "mem", {"snapshotRetentionLimit": 7}),
        ],
        bad=[
            one(DYNAMODB, {"name": "t"}),
            one(DOCDB, {}),  # 1 day by default
            one(NEPTUNE, {"backupRetentionPeriod": 1}),
            one(REDSHIFT, {"clusterIdentifier": "rs", "automatedSnapshotRetentionPeriod": 0}),
            one(MEMORYDB, {}),  # no snapshots by default
        ],
        unknown=one(DYNAMODB, {"pointInTimeRecovery": UNKNOWN}),
    ),
}
# fmt: on
