"""The Alibaba Cloud OSS bucket and CDN components under mocks: every protection on by default
(private ACL, access block, SSE-KMS, versioning, TLS-only policy, lifecycle, access logging, ZRS),
replication, the CDN's HTTPS/TLS/HSTS and private-origin functions, and validation. Each secure
default has a test that fails by name when it is dropped."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.cdn.alicloud import Cdn
from components.cdn.alicloud_spec import CdnArgs
from components.storage.alicloud import Bucket
from components.storage.alicloud_spec import AccessLogArgs, BucketArgs
from components.storage.spec import LifecycleArgs, ReplicationArgs, Transition
from infra.config import ConfigError
from planner.recorder import RecordingMonitor
from tests.conftest import alicloud_stack_config, of_type, one, run_mocked

LOGS = AccessLogArgs(target_bucket="acme-logs", prefix="oss/assets/")
OSS = "alicloud:oss/bucket:Bucket"
KEY = "alicloud:kms/key:Key"


def _run(make: Any) -> RecordingMonitor:
    import pulumi
    import pulumi_alicloud as alicloud

    def program() -> None:
        provider = alicloud.Provider("ali", region="cn-shanghai")
        make(pulumi.ResourceOptions(provider=provider))

    return run_mocked(program)


def build_bucket(**overrides: Any) -> RecordingMonitor:
    fields: dict[str, Any] = {"bucket_name": "acme-assets-1", "access_logs": LOGS,
                              "tags": {"environment": "test"}}  # fmt: skip
    args = BucketArgs(**{**fields, **overrides})
    return _run(lambda opts: Bucket("assets", args, opts))


def build_cdn(**overrides: Any) -> RecordingMonitor:
    fields: dict[str, Any] = {"domain_name": "static.example.cn",
                              "origin_domain": "acme-assets-1.oss-cn-shanghai.aliyuncs.com"}  # fmt: skip
    args = CdnArgs(**{**fields, **overrides})
    return _run(lambda opts: Cdn("cdn", args, opts))


@pytest.fixture(scope="module")
def bucket() -> RecordingMonitor:
    return build_bucket()


@pytest.fixture(scope="module")
def cdn() -> RecordingMonitor:
    return build_cdn()


def _side(m: RecordingMonitor, kind: str) -> dict[str, Any]:
    found = one(m, f"alicloud:oss/{kind[0].lower()}{kind[1:]}:{kind}")
    assert found.inputs["bucket"] == one(m, OSS).id  # attached to this bucket
    return found.inputs


def test_acl_is_private(bucket: RecordingMonitor) -> None:
    assert _side(bucket, "BucketAcl")["acl"] == "private"
    assert "acl" not in one(bucket, OSS).inputs  # no deprecated inline ACL to contradict it


def test_public_access_is_blocked(bucket: RecordingMonitor) -> None:
    assert _side(bucket, "BucketPublicAccessBlock")["blockPublicAccess"] is True


def test_sse_kms_with_a_rotating_customer_key(bucket: RecordingMonitor) -> None:
    sse = _side(bucket, "BucketServerSideEncryption")
    key = one(bucket, KEY)
    assert (sse["sseAlgorithm"], sse["kmsMasterKeyId"]) == ("KMS", key.id)
    assert key.inputs["automaticRotation"] == "Enabled"


def test_versioning_is_on(bucket: RecordingMonitor) -> None:
    assert _side(bucket, "BucketVersioning")["status"] == "Enabled"


def test_policy_denies_requests_without_tls(bucket: RecordingMonitor) -> None:
    policy = json.loads(_side(bucket, "BucketPolicy")["policy"])
    deny = policy["Statement"][0]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"acs:SecureTransport": ["false"]}}
    assert deny["Resource"] == ["acs:oss:*:*:acme-assets-1", "acs:oss:*:*:acme-assets-1/*"]
    assert not [s for s in policy["Statement"] if s["Effect"] == "Allow"]


def test_lifecycle_aborts_uploads_and_expires_old_versions(bucket: RecordingMonitor) -> None:
    (rule,) = one(bucket, OSS).inputs["lifecycleRules"]
    assert rule["enabled"] is True
    assert rule["abortMultipartUploads"] == [{"days": 7}]
    assert rule["noncurrentVersionExpirations"] == [{"days": 90}]
    cold = build_bucket(
        lifecycle=LifecycleArgs(transitions=[Transition(days=30, storage_class="IA"),
                                             Transition(days=180, storage_class="Archive")],
                                expiration_days=365))  # fmt: skip
    (rule,) = one(cold, OSS).inputs["lifecycleRules"]
    assert rule["transitions"] == [{"days": 30, "storageClass": "IA"},
                                   {"days": 180, "storageClass": "Archive"}]  # fmt: skip
    assert rule["expirations"] == [{"days": 365}]


def test_access_logs_go_to_the_log_bucket(bucket: RecordingMonitor) -> None:
    logging = _side(bucket, "BucketLogging")
    assert (logging["targetBucket"], logging["targetPrefix"]) == ("acme-logs", "oss/assets/")
    assert not of_type(build_bucket(access_logs=None), "alicloud:oss/bucketLogging:BucketLogging")


def test_zone_redundant_by_default(bucket: RecordingMonitor) -> None:
    assert one(bucket, OSS).inputs["redundancyType"] == "ZRS"


def test_protection_follows_protect(bucket: RecordingMonitor) -> None:
    assert {r.type for r in bucket.recorded if r.protect} == {OSS, KEY}
    assert one(bucket, OSS).inputs["forceDestroy"] is False
    relaxed = build_bucket(protect_stateful=False, force_destroy=True)
    assert not any(r.protect for r in relaxed.recorded)
    assert one(relaxed, OSS).inputs["forceDestroy"] is True


def test_replication_to_another_region_with_its_key() -> None:
    m = build_bucket(replication=ReplicationArgs(
        destination_bucket="acme-assets-dr", destination_region="cn-beijing",
        role="acs:ram::1:role/oss-replication", destination_kms_key="key-dr"))  # fmt: skip
    rep = one(m, "alicloud:oss/bucketReplication:BucketReplication")
    assert rep.inputs["destination"] == {"bucket": "acme-assets-dr", "location": "oss-cn-beijing"}
    assert rep.inputs["encryptionConfiguration"] == {"replicaKmsKeyId": "key-dr"}
    assert rep.inputs["sourceSelectionCriteria"] == {
        "sseKmsEncryptedObjects": {"status": "Enabled"}
    }
    assert rep.inputs["action"] == "ALL"
    versioning = one(m, "alicloud:oss/bucketVersioning:BucketVersioning")
    assert versioning.urn in rep.dependencies  # OSS refuses replication of unversioned buckets


def test_aes256_without_a_key() -> None:
    m = build_bucket(encryption="AES256")
    assert of_type(m, KEY) == []
    sse = one(m, "alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption").inputs
    assert sse["sseAlgorithm"] == "AES256" and "kmsMasterKeyId" not in sse


ANYONE = {"Effect": "Allow", "Principal": ["*"], "Action": ["oss:GetObject"], "Resource": ["*"]}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"bucket_name": "Acme_Assets"}, r"^bucket_name: "),
        ({"policy_statements": [ANYONE]}, r"^policy_statements: a statement allows anyone"),
        ({"kms_key_id": "k", "encryption": "AES256"}, r"^kms_key_id: "),
        ({"lifecycle": LifecycleArgs(transitions=[Transition(days=30, storage_class="GLACIER")])},
         r"^lifecycle.transitions: 'GLACIER' is not one of IA"),
        ({"lifecycle": LifecycleArgs(transitions=[Transition(days=60, storage_class="IA")], expiration_days=30)},
         r"^lifecycle.expiration_days"),
        ({"access_logs": AccessLogArgs(target_bucket="l", prefix="x")}, r"^access_logs.prefix"),
        ({"versioning": False, "replication": ReplicationArgs(destination_bucket="b", destination_region="cn-beijing", role="r")},
         r"^replication: needs versioning"),
    ],
)  # fmt: skip
def test_bad_bucket_args_are_refused_naming_the_field(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build_bucket(**overrides)


def _function(m: RecordingMonitor, name: str) -> dict[str, str]:
    found = [r for r in of_type(m, "alicloud:cdn/domainConfig:DomainConfig")
             if r.inputs["functionName"] == name]  # fmt: skip
    assert len(found) == 1, name
    assert (
        found[0].inputs["domainName"]
        == one(m, "alicloud:cdn/domainNew:DomainNew").outputs["domainName"]
    )
    return {a["argName"]: a["argValue"] for a in found[0].inputs["functionArgs"]}


def test_cdn_origin_is_the_private_bucket_over_https(cdn: RecordingMonitor) -> None:
    domain = one(cdn, "alicloud:cdn/domainNew:DomainNew").inputs
    (source,) = domain["sources"]
    assert source == {"content": "acme-assets-1.oss-cn-shanghai.aliyuncs.com", "type": "oss",
                      "port": 443, "priority": 20, "weight": 10}  # fmt: skip
    assert _function(cdn, "l2_oss_key") == {"private_oss_auth": "on"}


def test_cdn_forces_https(cdn: RecordingMonitor) -> None:
    assert _function(cdn, "https_force")["enable"] == "on"
    cert = one(cdn, "alicloud:cdn/domainNew:DomainNew").inputs["certificateConfig"]
    assert cert == {"certType": "free", "serverCertificateStatus": "on"}
    own = one(build_cdn(certificate_id="12345"), "alicloud:cdn/domainNew:DomainNew")
    assert own.inputs["certificateConfig"]["certId"] == "12345"


def test_cdn_offers_tls_1_2_and_above_only(cdn: RecordingMonitor) -> None:
    assert _function(cdn, "https_tls_version") == {"tls10": "off", "tls11": "off", "tls12": "on", "tls13": "on"}  # fmt: skip
    strict = _function(build_cdn(minimum_tls="TLSv1.3"), "https_tls_version")
    assert (strict["tls12"], strict["tls13"]) == ("off", "on")


def test_cdn_sends_hsts(cdn: RecordingMonitor) -> None:
    hsts = _function(cdn, "HSTS")
    assert hsts["enabled"] == "on"
    assert int(hsts["https_hsts_max_age"]) >= 86400 * 180


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"domain_name": "Static.Example.CN"}, r"^domain_name: "),
        ({"minimum_tls": "TLSv1.0"}, r"^minimum_tls: "),
        ({"hsts_max_age_seconds": 3600}, r"^hsts_max_age_seconds: at least"),
        ({"certificate_id": "cert-abc"}, r"^certificate_id: "),
    ],
)
def test_bad_cdn_args_are_refused_naming_the_field(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_cdn(**overrides)


def test_cdn_aliases_not_built_are_refused_with_the_right_advice() -> None:
    # A list cannot be "set to false": the line says to remove it.
    raw_cdn = {"domain": {"name": "static.cn.acme.example", "aliases": ["img.cn.acme.example"]},
               "waf": {"enabled": False}}  # fmt: skip
    with pytest.raises(ConfigError) as refused:
        alicloud_stack_config("prod-cn", cdn=raw_cdn)
    assert refused.value.problems == [
        "groundwork:cdn.domain.aliases: not built on Alibaba Cloud yet (issue #16); remove it"
    ]
