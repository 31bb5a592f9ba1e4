"""A team adds an ordinary non-compliant AWS resource to the prod stack: the plan blocks, naming
the rule and the resource. The resources are written with the real pulumi_aws SDK (as a user
would), so the properties the rules read are the ones the SDK really sends."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections.abc import Callable
from functools import cache
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

import infra
import infra.build
from planner.cli import EXIT_BLOCKED, main
from planner.policy_report import policy_section
from tests.conftest import PROJECT_DIR, run_mocked
from tests.test_policy_plan import context

Build = Callable[[pulumi.ResourceOptions], Any]


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _bucket_read(principal: Any, **extra: Any) -> str:
    return _doc({"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::acme-shared/*", **extra})  # fmt: skip


def _listener(name: str, **kw: Any) -> Build:
    def build(o: pulumi.ResourceOptions) -> Any:
        return aws.lb.Listener(name, load_balancer_arn="arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/1",
                               default_actions=[{"type": "forward", "target_group_arn": "arn:tg"}], opts=o, **kw)  # fmt: skip

    return build


EXAMPLES: dict[str, tuple[str, str, Build]] = {
    # id: (rule, resource name, program) -- the examples of issue #11 and more of each class
    "policy-action-star": ("iam-no-admin-policy", "user-admin-policy", lambda o: aws.iam.Policy(
        "user-admin-policy", policy=_doc({"Effect": "Allow", "Action": "*", "Resource": "*"}), opts=o)),
    "policy-write-star": ("iam-no-wildcard-resource", "user-writer", lambda o: aws.iam.RolePolicy(
        "user-writer", role="app", policy=_doc({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}), opts=o)),
    "trust-star": ("iam-trust-policy-restricted", "user-open-role", lambda o: aws.iam.Role(
        "user-open-role", assume_role_policy=_doc({"Effect": "Allow", "Principal": {"AWS": "*"},
                                                   "Action": "sts:AssumeRole"}), opts=o)),
    "administrator-access": ("iam-no-admin-managed-policy", "user-admin-attachment", lambda o: aws.iam.RolePolicyAttachment(
        "user-admin-attachment", role="app", policy_arn="arn:aws:iam::aws:policy/AdministratorAccess", opts=o)),
    "user-access-key": ("iam-no-user-credentials", "user-ci-key", lambda o: aws.iam.AccessKey(
        "user-ci-key", user=aws.iam.User("user-ci", opts=o).name, opts=o)),
    "acl-all-users": ("bucket-no-public-access", "user-acl", lambda o: aws.s3.BucketAcl(
        "user-acl", bucket="acme-shared", access_control_policy={
            "owner": {"id": "owner-id"},
            "grants": [{"permission": "READ",
                        "grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}}]}, opts=o)),
    "principal-aws-list-star": ("bucket-no-public-access", "user-bucket-policy", lambda o: aws.s3.BucketPolicy(
        "user-bucket-policy", bucket="acme-shared", policy=_bucket_read({"AWS": ["*"]}), opts=o)),
    "not-principal": ("bucket-no-public-access", "user-not-principal", lambda o: aws.s3.BucketPolicy(
        "user-not-principal", bucket="acme-shared", policy=_doc({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:role/x"},
                                                                  "Action": "s3:GetObject", "Resource": "*"}), opts=o)),
    "ownership-acls-on": ("bucket-acls-disabled", "user-ownership", lambda o: aws.s3.BucketOwnershipControls(
        "user-ownership", bucket="acme-shared", rule={"object_ownership": "ObjectWriter"}, opts=o)),
    "function-url-no-auth": ("lambda-not-public", "user-fn-url", lambda o: aws.lambda_.FunctionUrl(
        "user-fn-url", function_name="handler", authorization_type="NONE", opts=o)),
    "http-listener-no-redirect": ("lb-tls-listeners", "user-http", _listener("user-http", protocol="HTTP", port=80)),
    "tls10-listener": ("lb-tls-listeners", "user-https", _listener(
        "user-https", protocol="HTTPS", port=443, ssl_policy="ELBSecurityPolicy-TLS-1-0-2015-04",
        certificate_arn="arn:aws:acm:eu-west-1:123456789012:certificate/x")),
    "nacl-allow-all": ("net-nacl-no-public-ingress", "user-nacl", lambda o: aws.ec2.NetworkAcl(
        "user-nacl", vpc_id="vpc-1", ingress=[{"protocol": "-1", "rule_no": 100, "action": "allow",
                                               "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}], opts=o)),
    "public-instance-ip": ("ec2-no-public-ip", "user-vm", lambda o: aws.ec2.Instance(
        "user-vm", ami="ami-12345678", instance_type="t3.micro", associate_public_ip_address=True,
        metadata_options={"http_tokens": "required"}, opts=o)),
    "public-snapshot": ("snapshots-and-images-not-public", "user-snapshot", lambda o: aws.rds.Snapshot(
        "user-snapshot", db_instance_identifier="db", db_snapshot_identifier="snap", shared_accounts=["all"], opts=o)),
    "imdsv1-instance": ("ec2-imdsv2-required", "user-legacy-vm", lambda o: aws.ec2.Instance(
        "user-legacy-vm", ami="ami-12345678", instance_type="t3.micro", metadata_options={"http_tokens": "optional"}, opts=o)),
    "imdsv1-launch-template": ("ec2-imdsv2-required", "user-lt", lambda o: aws.ec2.LaunchTemplate(
        "user-lt", image_id="ami-12345678", instance_type="t3.micro", opts=o)),
    "elasticache-cluster": ("cache-encrypted-and-authenticated", "user-cache", lambda o: aws.elasticache.Cluster(
        "user-cache", engine="redis", node_type="cache.t4g.small", num_cache_nodes=1, opts=o)),
    "dynamodb-no-pitr": ("data-point-in-time-recovery", "user-table", lambda o: aws.dynamodb.Table(
        "user-table", hash_key="id", attributes=[{"name": "id", "type": "S"}], billing_mode="PAY_PER_REQUEST", opts=o)),
    "sqs-unencrypted": ("data-services-encrypted-at-rest", "user-queue", lambda o: aws.sqs.Queue(
        "user-queue", sqs_managed_sse_enabled=False, opts=o)),
    "sns-unencrypted": ("data-services-encrypted-at-rest", "user-topic", lambda o: aws.sns.Topic("user-topic", opts=o)),
    "efs-unencrypted": ("data-services-encrypted-at-rest", "user-fs", lambda o: aws.efs.FileSystem("user-fs", opts=o)),
    "ecr-no-scanning": ("ecr-scan-and-immutable-tags", "user-repo", lambda o: aws.ecr.Repository("user-repo", opts=o)),
    "opensearch-open": ("resource-policy-not-public", "user-search", lambda o: aws.opensearch.Domain(
        "user-search", access_policies=_doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "es:*",
                                             "Resource": "*"}), opts=o)),
    "opensearch-no-vpc": ("search-domain-private", "user-search-public", lambda o: aws.opensearch.Domain(
        "user-search-public", opts=o)),
    "secret-aws-key": ("data-services-cmk", "user-secret", lambda o: aws.secretsmanager.Secret("user-secret", opts=o)),
    "rds-instance-unencrypted": ("db-encrypted-at-rest", "user-mysql", lambda o: aws.rds.Instance(
        "user-mysql", engine="mysql", instance_class="db.t4g.micro", allocated_storage=20,
        username="app", manage_master_user_password=True, storage_encrypted=False, opts=o)),
    "replication-group-plaintext": ("redis-encrypted", "user-valkey", lambda o: aws.elasticache.ReplicationGroup(
        "user-valkey", description="team cache", engine="valkey", node_type="cache.t4g.small",
        num_cache_clusters=1, at_rest_encryption_enabled="true", transit_encryption_enabled=False, opts=o)),
    "kinesis-unencrypted": ("data-services-encrypted-at-rest", "user-stream", lambda o: aws.kinesis.Stream(
        "user-stream", shard_count=1, opts=o)),
    "msk-plaintext": ("data-services-encrypted-in-transit", "user-kafka", lambda o: aws.msk.Cluster(
        "user-kafka", kafka_version="3.7.x", number_of_broker_nodes=3,
        broker_node_group_info={"instance_type": "kafka.m7g.large", "client_subnets": ["subnet-1", "subnet-2", "subnet-3"],
                                "security_groups": ["sg-1"]},
        encryption_info={"encryption_in_transit": {"client_broker": "PLAINTEXT"}}, opts=o)),
    "smb-open": ("net-sg-no-public-admin-ports", "user-smb", lambda o: aws.vpc.SecurityGroupIngressRule(
        "user-smb", security_group_id="sg-1", ip_protocol="tcp", from_port=445, to_port=445, cidr_ipv6="::/0", opts=o)),
    "api-route-open": ("api-auth-required", "user-route", lambda o: aws.apigatewayv2.Route(
        "user-route", api_id="api-1", route_key="POST /orders", opts=o)),
    "lambda-permission-star": ("lambda-not-public", "user-invoke", lambda o: aws.lambda_.Permission(
        "user-invoke", function="handler", action="lambda:InvokeFunction", principal="*", opts=o)),
    # Probed in session 11: these passed prod before.
    "ecr-public-repository": ("registry-private", "user-public-images", lambda o: aws.ecrpublic.Repository(
        "user-public-images", repository_name="user-public-images", opts=o)),
    "public-snapshot-copy": ("snapshots-and-images-not-public", "user-snapshot-copy", lambda o: aws.rds.SnapshotCopy(
        "user-snapshot-copy", source_db_snapshot_identifier="s", target_db_snapshot_identifier="t",
        shared_accounts=["all"], opts=o)),
    # Probed in session 13: these passed prod before.
    "sso-admin-permission-set": ("iam-no-admin-managed-policy", "user-sso-admin", lambda o: aws.ssoadmin.ManagedPolicyAttachment(
        "user-sso-admin", instance_arn="arn:aws:sso:::instance/ssoins-1", permission_set_arn="arn:aws:sso:::permissionSet/ssoins-1/ps-1",
        managed_policy_arn="arn:aws:iam::aws:policy/AdministratorAccess", opts=o)),
    "public-object-acl": ("bucket-no-public-access", "user-object", lambda o: aws.s3.BucketObjectv2(
        "user-object", bucket="acme-shared", key="report.csv", content="x", acl="public-read", opts=o)),
    "bucket-website": ("bucket-no-public-access", "user-website", lambda o: aws.s3.BucketWebsiteConfiguration(
        "user-website", bucket="acme-shared", index_document={"suffix": "index.html"}, opts=o)),
    "ssm-document-public": ("snapshots-and-images-not-public", "user-document", lambda o: aws.ssm.Document(
        "user-document", document_type="Command", content="{}", permissions={"type": "Share", "account_ids": "All"}, opts=o)),
    "api-v2-domain-tls10": ("lb-tls-listeners", "user-api-domain", lambda o: aws.apigatewayv2.DomainName(
        "user-api-domain", domain_name="api.acme.example", domain_name_configuration={
            "certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/x", "endpoint_type": "REGIONAL",
            "security_policy": "TLS_1_0"}, opts=o)),
    "codeartifact-public": ("resource-policy-not-public", "user-packages", lambda o: aws.codeartifact.RepositoryPermissionsPolicy(
        "user-packages", domain="acme", repository="pypi", policy_document=_doc({"Effect": "Allow", "Principal": "*",
                                                                                  "Action": "codeartifact:ReadFromRepository", "Resource": "*"}), opts=o)),
    "ssh-open-in-halves": ("net-sg-no-public-admin-ports", "user-ssh-halves", lambda o: aws.ec2.SecurityGroupRule(
        "user-ssh-halves", type="ingress", security_group_id="sg-1", protocol="tcp", from_port=22, to_port=22,
        cidr_blocks=["0.0.0.0/1", "128.0.0.0/1"], opts=o)),
    "cache-user-no-password": ("cache-encrypted-and-authenticated", "user-cache-user", lambda o: aws.elasticache.User(
        "user-cache-user", user_id="reader", user_name="reader", engine="valkey", access_string="on ~* +@all",
        no_password_required=True, opts=o)),
    "fsx-aws-managed-key": ("data-services-cmk", "user-fsx", lambda o: aws.fsx.WindowsFileSystem(
        "user-fsx", subnet_ids=["subnet-1"], throughput_capacity=32, storage_capacity=32, opts=o)),
    "spot-fleet-public-imdsv1": ("ec2-imdsv2-required", "user-fleet", lambda o: aws.ec2.SpotFleetRequest(
        "user-fleet", iam_fleet_role="arn:aws:iam::123456789012:role/fleet", target_capacity=1,
        launch_specifications=[{"ami": "ami-12345678", "instance_type": "t3.micro", "associate_public_ip_address": True}], opts=o)),
}  # fmt: skip

CLASSES = {
    "iam": "trust-star",
    "public-exposure": "principal-aws-list-star",
    "encryption": "elasticache-cluster",
    "instance-metadata": "imdsv1-instance",
    "edge-tls": "tls10-listener",
}
"""One example per class, added together to one command-line plan of prod (a whole program run)."""


def _user_program(builds: list[Build]) -> None:
    provider = aws.Provider("user-aws", region="eu-west-1")
    for build in builds:
        build(pulumi.ResourceOptions(provider=provider))


@cache
def _blocking_with_every_example() -> tuple[str, ...]:
    """The prod stack plus every example, judged once (each example has its own resource name)."""
    builds = [build for _, _, build in EXAMPLES.values()]
    added = run_mocked(lambda: _user_program(builds), stack="prod").recorded
    return tuple(policy_section(context("prod", added)).blocking)


def test_the_examples_have_distinct_resource_names() -> None:
    names = [name for _, name, _ in EXAMPLES.values()]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_a_user_added_resource_is_blocked_in_prod(example: str) -> None:
    rule, name, _ = EXAMPLES[example]
    blocking = _blocking_with_every_example()
    assert any(b.startswith(f"policy {rule} (mandatory) on {name} ") for b in blocking), blocking


@cache
def _cli_plan_of_prod_with_class_examples() -> tuple[int, str]:
    """`./tasks plan prod` on the real stack file, the program extended by the user's resources."""
    real_build = infra.build.build
    builds = [EXAMPLES[example][2] for example in CLASSES.values()]

    def build_with_user_resources(cfg: infra.StackConfig) -> Any:
        exports = real_build(cfg)
        _user_program(builds)
        return exports

    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory() as tmp:
        patch.setattr(infra.build, "build", build_with_user_resources)  # what __main__.py imports
        with contextlib.redirect_stdout(out):
            code = main(["prod", "--project-dir", str(PROJECT_DIR), "--quiet",
                         "--json", f"{tmp}/p.json", "--markdown", f"{tmp}/p.md"])  # fmt: skip
    return code, out.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("klass", sorted(CLASSES))
def test_the_prod_plan_exits_1_naming_the_rule(klass: str) -> None:
    rule, name, _ = EXAMPLES[CLASSES[klass]]
    code, out = _cli_plan_of_prod_with_class_examples()
    assert code == EXIT_BLOCKED
    assert f"policy {rule} (mandatory) on {name} " in out.split("PLAN BLOCKED:", 1)[1]
