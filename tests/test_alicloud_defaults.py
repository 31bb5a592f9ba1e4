"""The Alibaba Cloud data, storage and edge components against the policy pack: built with their
defaults they pass every rule of the prod policy config; dropping any one secure default (the
recorded value replaced as a user could write it) makes the rule guarding it fail, by name."""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any

import pytest

from components.cdn.alicloud import Cdn
from components.cdn.alicloud_spec import CdnArgs
from components.cdn.alicloud_waf import WebFirewall
from components.cdn.alicloud_waf_spec import WebFirewallArgs
from components.monitoring import AlarmPolicy, AlertRouting, SeverityChannels, Webhook
from components.monitoring.alicloud import AlertContacts
from components.monitoring.alicloud_relay import AlertRelay
from components.monitoring.alicloud_relay_spec import AlertRelayArgs
from components.monitoring.alicloud_spec import AlertContactsArgs
from components.postgres.alicloud import PostgresHa
from components.postgres.alicloud_polardb import PolarDbPostgres
from components.postgres.alicloud_polardb_spec import PolarDbArgs
from components.postgres.alicloud_spec import PostgresHaArgs
from components.redis.alicloud import RedisHa
from components.redis.alicloud_spec import RedisHaArgs
from components.storage.alicloud import Bucket
from components.storage.alicloud_spec import AccessLogArgs, BucketArgs
from planner.policy_report import policy_resources
from planner.recorder import RecordedResource
from policies.guardrails import config_path, load_pack_config
from policies.guardrails.engine import Violation, analyze
from tests.conftest import run_mocked

ZONES = ["cn-shanghai-l", "cn-shanghai-m", "cn-shanghai-n"]
VSWITCHES = {z: f"vsw-{z[-1]}" for z in ZONES}
CLIENTS = {"nodes-l": "10.0.16.0/20"}
TAGS = {"environment": "prod", "owner": "platform", "cost-center": "cc-1", "service": "acme",
        "managed-by": "pulumi"}  # fmt: skip


@cache
def recorded() -> tuple[RecordedResource, ...]:
    import pulumi
    import pulumi_alicloud as alicloud
    import pulumi_random

    def program() -> None:
        ali = alicloud.Provider("alicloud-primary", region="cn-shanghai")
        rnd = pulumi_random.Provider("random")
        opts = pulumi.ResourceOptions(providers=[ali, rnd])
        routing = AlertRouting(severities={s: SeverityChannels(emails=["oncall@example.cn"])
                                           for s in ("P0", "P1", "P2", "P3")})  # fmt: skip
        contacts = AlertContacts("acme-alerts", AlertContactsArgs(routing=routing), opts)
        common: dict[str, Any] = {"vswitch_ids": VSWITCHES, "zones": ZONES, "client_cidrs": CLIENTS,
                                  "tags": TAGS, "alarms": contacts.wiring(AlarmPolicy())}  # fmt: skip
        PostgresHa("acme-db", PostgresHaArgs(vpc_id="vpc-1", readers=1, **common), opts)
        RedisHa("acme-cache", RedisHaArgs(**common), opts)
        PolarDbPostgres("acme-polar", PolarDbArgs(
            vpc_id="vpc-1", vswitch_ids=VSWITCHES, zones=ZONES, client_cidrs=CLIENTS, tags=TAGS,
            alarms=common["alarms"]), opts)  # fmt: skip
        logs = Bucket("acme-logs", BucketArgs(bucket_name="acme-prod-logs", access_logs=None,
                                              tags=TAGS), opts)  # fmt: skip
        assets = Bucket(
            "acme-assets",
            BucketArgs(bucket_name="acme-prod-assets", tags=TAGS,
                       access_logs=AccessLogArgs(target_bucket=logs.bucket_name, prefix="oss/")),
            opts,
        )  # fmt: skip
        cdn = Cdn(
            "acme-cdn",
            CdnArgs(domain_name="static.example.cn", tags=TAGS,
                    origin_domain=pulumi.Output.concat(assets.bucket_name, ".",
                                                       assets.extranet_endpoint)),
            opts,
        )  # fmt: skip
        chats = AlertRouting(
            severities={**routing.severities, "P1": SeverityChannels(webhooks=["wx"])},
            webhooks={"wx": Webhook("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")},
        )  # fmt: skip
        AlertRelay("acme-relay", AlertRelayArgs(
            routing=chats, region="cn-shanghai", log_project="acme-app-logs",
            logstore="alert-relay", kms_instance_id="kst-1", alarms=common["alarms"], tags=TAGS,
        ), opts)  # fmt: skip
        waf = alicloud.Provider("alicloud-edge-cn-hangzhou", region="cn-hangzhou")
        WebFirewall("acme-waf", WebFirewallArgs(domain_name="static.example.cn", tags=TAGS,
                                                certificate_id="12345", cdn_cname=cdn.cname),
                    pulumi.ResourceOptions(provider=waf))  # fmt: skip

    return tuple(run_mocked(program, stack="prod").recorded)


def violations(resources: tuple[RecordedResource, ...]) -> list[Violation]:
    inputs, outputs = policy_resources(list(resources))
    return analyze(inputs, outputs, load_pack_config(config_path("prod")))


NOT_THIS_TESTS_BUSINESS = {
    "region-allowlist", "cost-estimate-complete", "dr-objectives-met", "dr-cross-region",
    "alicloud-kms-key-in-instance", "alicloud-kms-one-default-key",
}  # fmt: skip
"""Rules about the stack, not the components: the prod config's region list, the price
catalogue, the recovery objectives a stack declares and its DR copies (the Alibaba stacks' own
tests hold those: tests/test_dr_alicloud.py), the KMS instance the stack's keys live in (the
stack's KeyStore, not each component: tests/test_kms_alicloud.py)."""


def test_the_defaults_pass_every_prod_rule() -> None:
    found = [(v.rule.id, v.resource, v.message) for v in violations(recorded())]
    assert [f for f in found if f[0] not in NOT_THIS_TESTS_BUSINESS] == []


def _drop(typ: str, match: dict[str, Any], changes: dict[str, Any]) -> tuple[RecordedResource, ...]:
    """The recording with `changes` applied to the one resource of `typ` whose inputs contain
    `match` (`name`: the resource's name; None deletes a property)."""
    out, hits = [], 0
    for r in recorded():
        fields = {**r.inputs, "name": r.name}
        if r.type == typ and all(fields.get(k) == v for k, v in match.items()):
            hits += 1
            inputs = {k: v for k, v in {**r.inputs, **changes}.items() if v is not None}
            outputs = {k: v for k, v in {**r.outputs, **changes}.items() if v is not None}
            out.append(dataclasses.replace(r, inputs=inputs, outputs=outputs))
        else:
            out.append(r)
    assert hits == 1, f"{typ} {match}: {hits} matches"
    return tuple(out)


RDS = "alicloud:rds/instance:Instance"
RO = "alicloud:rds/readOnlyInstance:ReadOnlyInstance"
KV = "alicloud:kvstore/instance:Instance"
BACKUP = "alicloud:rds/backupPolicy:BackupPolicy"
POLAR = "alicloud:polardb/cluster:Cluster"
POLAR_BACKUP = "alicloud:polardb/backupPolicy:BackupPolicy"
CONFIG = "alicloud:cdn/domainConfig:DomainConfig"
OSS = "alicloud:oss/"
WAF = "alicloud:wafv3/"

DEFAULTS = [
    # (default, type, which resource, the value a user could write instead, rule that catches it)
    ("rds-ssl", RDS, {}, {"sslAction": "Close"}, "db-tls-in-transit"),
    ("rds-whitelist", RDS, {}, {"securityIps": ["0.0.0.0/0"]}, "db-not-public"),
    ("rds-disk-encryption", RDS, {}, {"encryptionKey": None}, "db-encrypted-at-rest"),
    ("rds-standby-zone", RDS, {}, {"zoneIdSlaveA": None}, "db-multi-az"),
    ("rds-deletion-protection", RDS, {}, {"deletionProtection": False}, "db-deletion-protection"),
    ("rds-daily-backups", BACKUP, {}, {"preferredBackupPeriods": ["Monday"]}, "alicloud-rds-backup-policy"),
    ("rds-log-backups", BACKUP, {}, {"enableBackupLog": False}, "alicloud-rds-backup-policy"),
    ("polardb-whitelist", POLAR, {}, {"securityIps": ["0.0.0.0/0"]}, "db-not-public"),
    ("polardb-tde", POLAR, {}, {"tdeStatus": "Disabled", "encryptionKey": None}, "db-encrypted-at-rest"),
    ("polardb-deletion-lock", POLAR, {}, {"deletionLock": 0}, "db-deletion-protection"),
    ("polardb-failover-node", POLAR, {}, {"dbNodeCount": 1}, "db-multi-az"),
    ("polardb-hot-standby", POLAR, {}, {"hotStandbyCluster": "OFF"}, "db-multi-az"),
    ("polardb-ssl", "alicloud:polardb/primaryEndpoint:PrimaryEndpoint", {}, {"sslEnabled": "Disable"}, "alicloud-polardb-ssl"),
    ("polardb-daily-backups", POLAR_BACKUP, {}, {"preferredBackupPeriods": ["Monday", "Thursday"]}, "alicloud-rds-backup-policy"),
    ("polardb-log-backups", POLAR_BACKUP, {}, {"logBackupRetentionPeriod": 3}, "alicloud-rds-backup-policy"),
    ("reader-ssl", RO, {}, {"sslEnabled": 0}, "db-tls-in-transit"),
    ("reader-whitelist", RO, {}, {"securityIps": ["0.0.0.0/0"]}, "db-not-public"),
    ("redis-ssl", KV, {}, {"sslEnable": "Disable"}, "redis-encrypted"),
    ("redis-auth", KV, {}, {"vpcAuthMode": "Close"}, "redis-encrypted"),
    ("redis-whitelist", KV, {}, {"securityIps": ["0.0.0.0/0"]}, "db-not-public"),
    ("redis-second-zone", KV, {}, {"secondaryZoneId": None}, "redis-multi-az-failover"),
    ("redis-release-protection", KV, {}, {"instanceReleaseProtection": False}, "redis-backup-and-release-protection"),
    ("redis-tde", KV, {}, {"tdeStatus": None}, "alicloud-redis-tde"),
    ("oss-private-acl", OSS + "bucketAcl:BucketAcl", {"name": "acme-assets-acl"}, {"acl": "public-read"}, "oss-no-public-access"),
    ("oss-access-block", OSS + "bucketPublicAccessBlock:BucketPublicAccessBlock", {"name": "acme-assets-public-access-block"}, {"blockPublicAccess": False}, "oss-no-public-access"),
    ("oss-sse-kms", OSS + "bucketServerSideEncryption:BucketServerSideEncryption", {"name": "acme-assets-encryption"}, {"sseAlgorithm": None, "kmsMasterKeyId": None}, "oss-encrypted"),
    ("oss-versioning", OSS + "bucketVersioning:BucketVersioning", {"name": "acme-assets-versioning"}, {"status": "Suspended"}, "oss-versioning-logging"),
    ("oss-tls-only", OSS + "bucketPolicy:BucketPolicy", {"name": "acme-assets-policy"}, {"policy": '{"Version": "1", "Statement": []}'}, "oss-tls-only-policy"),
    ("cdn-https-force", CONFIG, {"functionName": "https_force"}, {"functionArgs": [{"argName": "enable", "argValue": "off"}]}, "alicloud-cdn-https"),
    ("cdn-tls12", CONFIG, {"functionName": "https_tls_version"}, {"functionArgs": [{"argName": "tls10", "argValue": "on"}]}, "alicloud-cdn-https"),
    ("cdn-hsts", CONFIG, {"functionName": "HSTS"}, {"functionArgs": [{"argName": "enabled", "argValue": "off"}]}, "alicloud-cdn-https"),
    ("alarm-contact-group", "alicloud:cms/alarm:Alarm", {"name": "acme-db-free-storage"}, {"contactGroups": []}, "obs-alarm-actions"),
    ("relay-role-trust", "alicloud:ram/role:Role", {"name": "acme-relay-role"}, {"assumeRolePolicyDocument": '{"Version": "1", "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"RAM": ["*"]}}]}'}, "alicloud-ram-role-trust"),
    ("relay-one-key", "alicloud:ram/policy:Policy", {"name": "acme-relay-policy"}, {"policyDocument": '{"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": ["*"]}]}'}, "alicloud-ram-no-wildcard-resource"),
    ("relay-failure-alarm", "alicloud:cms/alarm:Alarm", {"name": "acme-relay-delivery-failed"}, {"contactGroups": []}, "obs-alarm-actions"),
    ("relay-key-in-instance", "alicloud:kms/key:Key", {"name": "acme-relay-key"}, {"dkmsInstanceId": None}, "alicloud-kms-key-in-instance"),
    ("waf-in-front-of-cdn", WAF + "domain:Domain", {}, {"domain": "other.example.cn"}, "alicloud-cdn-waf"),
    ("waf-managed-rules", WAF + "defenseTemplate:DefenseTemplate", {"defenseScene": "waf_base"}, {"status": 0}, "alicloud-cdn-waf"),
    ("waf-rate-limit", WAF + "defenseRule:DefenseRule", {"defenseScene": "custom_acl"}, {"ruleStatus": 0}, "alicloud-cdn-waf"),
    ("waf-tls12", WAF + "domain:Domain", {}, {"listen": {"httpsPorts": [443], "tlsVersion": "tlsv1", "focusHttps": True}}, "alicloud-cdn-https"),
    ("waf-https-redirect", WAF + "domain:Domain", {}, {"listen": {"httpsPorts": [443], "httpPorts": [80], "tlsVersion": "tlsv1.2"}}, "alicloud-cdn-https"),
    ("cdn-private-origin", CONFIG, {"functionName": "l2_oss_key"}, {"functionArgs": [{"argName": "private_oss_auth", "argValue": "off"}]}, "alicloud-cdn-oss-origin-private"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("typ", "match", "changes", "rule"), [d[1:] for d in DEFAULTS], ids=[d[0] for d in DEFAULTS]
)
def test_dropping_a_default_fails_its_rule(
    typ: str, match: dict[str, Any], changes: dict[str, Any], rule: str
) -> None:
    found = {v.rule.id for v in violations(_drop(typ, match, changes)) if v.level == "mandatory"}
    assert rule in found
