"""A team adds ordinary non-compliant Alibaba Cloud resources to the prod-cn stack: the plan
blocks, naming the rule and the resource. Written with the real pulumi_alicloud SDK (as a user
would), so the properties the rules read are the ones the SDK really sends."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from typing import Any

import pulumi
import pulumi_alicloud as alicloud
import pytest

from planner.policy_report import policy_section
from planner.report import PlanContext
from tests.conftest import PROJECT_DIR, any_stack_config, built, run_mocked

Build = Callable[[pulumi.ResourceOptions], Any]
SWITCHES = ["vsw-user-e", "vsw-user-f", "vsw-user-g"]


def _admin_policy() -> str:
    return json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*",
                                                       "Resource": "*"}]})  # fmt: skip


EXAMPLES: dict[str, tuple[str, str, Build]] = {
    "ssh-from-anywhere": ("net-sg-no-public-admin-ports", "user-ssh", lambda o: alicloud.ecs.SecurityGroupRule(
        "user-ssh", security_group_id="sg-user", type="ingress", ip_protocol="tcp", port_range="22/22",
        cidr_ip="0.0.0.0/0", opts=o)),
    "all-ports-from-anywhere": ("net-sg-no-public-all-ports", "user-all", lambda o: alicloud.ecs.SecurityGroupRule(
        "user-all", security_group_id="sg-user", type="ingress", ip_protocol="all", port_range="-1/-1",
        cidr_ip="0.0.0.0/0", opts=o)),
    "ack-public-api-server": ("k8s-cluster-endpoint-not-open", "user-ack", lambda o: alicloud.cs.ManagedKubernetes(
        "user-ack", cluster_spec="ack.pro.small", vswitch_ids=SWITCHES, slb_internet_enabled=True, opts=o)),
    "ack-without-rrsa": ("alicloud-ack-rrsa", "user-ack-2", lambda o: alicloud.cs.ManagedKubernetes(
        "user-ack-2", cluster_spec="ack.pro.small", vswitch_ids=SWITCHES, slb_internet_enabled=False,
        opts=o)),
    "ack-without-deletion-protection": ("alicloud-deletion-protection", "user-ack-3", lambda o: alicloud.cs.ManagedKubernetes(
        "user-ack-3", cluster_spec="ack.pro.small", vswitch_ids=SWITCHES, slb_internet_enabled=False,
        enable_rrsa=True, opts=o)),
    "unencrypted-disk": ("alicloud-disk-encrypted", "user-disk", lambda o: alicloud.ecs.EcsDisk(
        "user-disk", zone_id="cn-shanghai-e", size=100, category="cloud_essd", opts=o)),
    "node-pool-public-ip": ("alicloud-ecs-no-public-ip", "user-pool", lambda o: alicloud.cs.NodePool(
        "user-pool", cluster_id="c-user", vswitch_ids=SWITCHES, instance_types=["ecs.g7.large"],
        internet_max_bandwidth_out=10, opts=o)),
    "node-pool-spot": ("k8s-on-demand-nodes", "user-spot-pool", lambda o: alicloud.cs.NodePool(
        "user-spot-pool", cluster_id="c-user", vswitch_ids=SWITCHES, instance_types=["ecs.g7.large"],
        spot_strategy="SpotAsPriceGo", opts=o)),
    "rds-open-to-the-world": ("db-not-public", "user-rds", lambda o: alicloud.rds.Instance(
        "user-rds", engine="PostgreSQL", engine_version="16.0", instance_type="pg.n2.2c.2m",
        instance_storage=20, security_ips=["0.0.0.0/0"], opts=o)),
    "public-bucket": ("oss-no-public-access", "user-bucket", lambda o: alicloud.oss.Bucket(
        "user-bucket", bucket="acme-user-public", acl="public-read", opts=o)),
    "ram-admin-policy": ("alicloud-ram-no-admin", "user-admin", lambda o: alicloud.ram.Policy(
        "user-admin", policy_name="user-admin", policy_document=_admin_policy(), opts=o)),
    "vpc-without-flow-logs": ("net-vpc-flow-logs", "user-vpc", lambda o: alicloud.vpc.Network(
        "user-vpc", cidr_block="172.16.0.0/16", opts=o)),
    "key-without-rotation": ("kms-key-rotation", "user-key", lambda o: alicloud.kms.Key(
        "user-key", automatic_rotation="Disabled", opts=o)),
    # A key without dkms_instance_id is the region's default key (KMS 3.0): prod keeps each in
    # an instance, and no account has a second default key in a region.
    "key-outside-an-instance": ("alicloud-kms-key-in-instance", "user-key-2", lambda o: alicloud.kms.Key(
        "user-key-2", automatic_rotation="Enabled", rotation_interval="31536000s", opts=o)),
    "a-second-default-key": ("alicloud-kms-one-default-key", "user-key-3", lambda o: alicloud.kms.Key(
        "user-key-3", automatic_rotation="Enabled", rotation_interval="31536000s", opts=o)),
    "tls10-listener": ("alicloud-lb-tls-policy", "user-https", lambda o: alicloud.slb.Listener(
        "user-https", load_balancer_id="lb-user", frontend_port=443, backend_port=8443, protocol="https",
        tls_cipher_policy="tls_cipher_policy_1_0", server_certificate_id="cert-1", opts=o)),
    # Services beside the platform's own (probed in session 11: each passed prod-cn before).
    "nas-unencrypted": ("alicloud-nas-encrypted", "user-nas", lambda o: alicloud.nas.FileSystem(
        "user-nas", protocol_type="NFS", storage_type="Performance", file_system_type="standard", opts=o)),
    "public-registry-repo": ("registry-private", "user-repo", lambda o: alicloud.cr.Repo(
        "user-repo", namespace="acme", name="user-repo", summary="x", repo_type="PUBLIC", opts=o)),
    "public-enterprise-repo": ("registry-private", "user-ee-repo", lambda o: alicloud.cs.RegistryEnterpriseRepo(
        "user-ee-repo", instance_id="cri-1", namespace="acme", name="user-ee-repo", summary="x", repo_type="PUBLIC",
        opts=o)),
    "anonymous-function-trigger": ("alicloud-fc-not-public", "user-trigger", lambda o: alicloud.fc.Trigger(
        "user-trigger", service="svc", function="fn", type="http",
        config=json.dumps({"authType": "anonymous", "methods": ["GET"]}), opts=o)),
    "ram-write-everything": ("alicloud-ram-no-wildcard-resource", "user-ecs-all", lambda o: alicloud.ram.Policy(
        "user-ecs-all", policy_name="user-ecs-all", policy_document=json.dumps({"Version": "1", "Statement": [
            {"Effect": "Allow", "Action": "ecs:*", "Resource": "*"}]}), opts=o)),
    "public-search": ("alicloud-db-no-public-endpoint", "user-search", lambda o: alicloud.elasticsearch.Instance(
        "user-search", instance_charge_type="PostPaid", data_node_amount=2, data_node_spec="elasticsearch.sn2ne.large",
        data_node_disk_size=20, data_node_disk_type="cloud_ssd", vswitch_id="vsw-user-e", version="7.10_with_X-Pack",
        enable_public=True, enable_kibana_public_network=False, opts=o)),
    "analyticdb-open-whitelist": ("alicloud-db-no-public-endpoint", "user-adb", lambda o: alicloud.gpdb.Instance(
        "user-adb", engine="gpdb", engine_version="6.0", db_instance_category="HighAvailability",
        db_instance_mode="StorageElastic", instance_spec="2C16G", seg_node_num=4, storage_size=50,
        vswitch_id="vsw-user-e", zone_id="cn-shanghai-e", payment_type="PayAsYouGo",
        ip_whitelists=[alicloud.gpdb.InstanceIpWhitelistArgs(security_ip_list="0.0.0.0/0")], opts=o)),
    "scaling-group-public-ip": ("alicloud-ecs-no-public-ip", "user-scaling", lambda o: alicloud.ess.ScalingConfiguration(
        "user-scaling", scaling_group_id="asg-1", image_id="ubuntu", instance_type="ecs.g7.large",
        internet_max_bandwidth_out=10, system_disk_encrypted=True, security_group_id="sg-user", opts=o)),
    "acl-open-to-the-world": ("net-nacl-no-public-ingress", "user-acl", lambda o: alicloud.vpc.NetworkAcl(
        "user-acl", vpc_id="vpc-user", ingress_acl_entries=[alicloud.vpc.NetworkAclIngressAclEntryArgs(
            protocol="all", port="-1/-1", source_cidr_ip="0.0.0.0/0", policy="accept")], opts=o)),
}  # fmt: skip


def _user_program(builds: list[Build]) -> None:
    provider = alicloud.Provider("user-alicloud", region="cn-shanghai")
    for build in builds:
        build(pulumi.ResourceOptions(provider=provider))


@cache
def _blocking_with_every_example() -> tuple[str, ...]:
    """The prod-cn stack plus every example, judged once (each example has its own name)."""
    builds = [build for _, _, build in EXAMPLES.values()]
    added = run_mocked(lambda: _user_program(builds), stack="prod-cn").recorded
    monitor = copy.copy(built("prod-cn"))
    monitor.recorded = [*built("prod-cn").recorded, *added]
    ctx = PlanContext("groundwork", "prod-cn", PROJECT_DIR, monitor, any_stack_config("prod-cn"))
    return tuple(policy_section(ctx).blocking)


def test_the_examples_have_distinct_resource_names() -> None:
    names = [name for _, name, _ in EXAMPLES.values()]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_a_user_added_alibaba_resource_is_blocked_in_prod(example: str) -> None:
    rule, name, _ = EXAMPLES[example]
    blocking = _blocking_with_every_example()
    assert any(b.startswith(f"policy {rule} (mandatory) on {name} ") for b in blocking), blocking
