"""The Bucket component under mocks: every protection is on by default, the one policy merges the
caller's statements, log buckets follow S3's constraints, and bad args fail naming the field."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from components.storage.aws import Bucket
from components.storage.aws_spec import AccessLogArgs, BucketArgs, LogTargetArgs, ObjectLockArgs
from components.storage.spec import LifecycleArgs, Transition
from planner.recorder import RecordingMonitor
from tests.conftest import of_type, one, run_mocked

TAGS = {"environment": "test", "owner": "o", "cost-center": "c", "service": "s",
        "managed-by": "pulumi"}  # fmt: skip
LOGS = AccessLogArgs(target_bucket="logs-bucket-name", prefix="s3/data/")


def build_bucket(**overrides: Any) -> RecordingMonitor:
    import pulumi_aws as aws

    fields: dict[str, Any] = {"access_logs": LOGS, "tags": TAGS}
    args = BucketArgs(**{**fields, **overrides})

    def program() -> None:
        provider = aws.Provider("aws-test", region="eu-west-1")
        Bucket("data", args, pulumi.ResourceOptions(provider=provider))

    return run_mocked(program)


@pytest.fixture(scope="module")
def default_bucket() -> RecordingMonitor:
    return build_bucket()


def _policy(monitor: RecordingMonitor) -> dict[str, Any]:
    return json.loads(one(monitor, "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])


def _rule(monitor: RecordingMonitor) -> dict[str, Any]:
    rules = one(monitor, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
    return rules.inputs["rules"][0]


def _pab(m: RecordingMonitor) -> dict[str, Any]:
    return one(m, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs


def _sse(m: RecordingMonitor) -> dict[str, Any]:
    typ = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    return one(m, typ).inputs["rules"][0]


# Each protection of the defaults, as (id, check over the recorded inputs). Removing any of them
# from the component makes exactly that case fail.
PROTECTIONS: list[tuple[str, Callable[[RecordingMonitor], bool]]] = [
    ("block-public-acls", lambda m: _pab(m)["blockPublicAcls"] is True),
    ("block-public-policy", lambda m: _pab(m)["blockPublicPolicy"] is True),
    ("ignore-public-acls", lambda m: _pab(m)["ignorePublicAcls"] is True),
    ("restrict-public-buckets", lambda m: _pab(m)["restrictPublicBuckets"] is True),
    ("acls-disabled", lambda m: one(m, "aws:s3/bucketOwnershipControls:BucketOwnershipControls")
        .inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}),
    ("sse-kms", lambda m: _sse(m)["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"),
    ("sse-customer-key", lambda m: _sse(m)["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"]
        == one(m, "aws:kms/key:Key").outputs["arn"]),
    ("bucket-key", lambda m: _sse(m)["bucketKeyEnabled"] is True),
    ("sse-c-blocked", lambda m: _sse(m)["blockedEncryptionTypes"] == ["SSE-C"]),
    ("key-rotation", lambda m: one(m, "aws:kms/key:Key").inputs["enableKeyRotation"] is True),
    ("versioning", lambda m: one(m, "aws:s3/bucketVersioning:BucketVersioning")
        .inputs["versioningConfiguration"]["status"] == "Enabled"),
    ("tls-only-policy", lambda m: _policy(m)["Statement"][0] == {
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [one(m, "aws:s3/bucket:Bucket").outputs["arn"],
                     one(m, "aws:s3/bucket:Bucket").outputs["arn"] + "/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
    ("abort-multipart", lambda m: _rule(m)["abortIncompleteMultipartUpload"]["daysAfterInitiation"] == 7),
    ("noncurrent-expiry", lambda m: _rule(m)["noncurrentVersionExpiration"]["noncurrentDays"] == 90),
    ("lifecycle-enabled", lambda m: _rule(m)["status"] == "Enabled"),
    ("access-logging", lambda m: one(m, "aws:s3/bucketLogging:BucketLogging").inputs["targetBucket"]
        == "logs-bucket-name"),
    ("no-force-destroy", lambda m: one(m, "aws:s3/bucket:Bucket").inputs["forceDestroy"] is False),
    ("bucket-protected", lambda m: one(m, "aws:s3/bucket:Bucket").protect),
    ("key-protected", lambda m: one(m, "aws:kms/key:Key").protect),
    ("no-acl-resource", lambda m: of_type(m, "aws:s3/bucketAcl:BucketAcl") == []),
]  # fmt: skip


@pytest.mark.parametrize("check", [c[1] for c in PROTECTIONS], ids=[c[0] for c in PROTECTIONS])
def test_default_protection(
    default_bucket: RecordingMonitor, check: Callable[[RecordingMonitor], bool]
) -> None:
    assert check(default_bucket)


def test_side_resources_target_the_bucket(default_bucket: RecordingMonitor) -> None:
    bucket_id = one(default_bucket, "aws:s3/bucket:Bucket").id
    side = [
        r for r in default_bucket.recorded if r.type.startswith("aws:s3/") and "bucket" in r.inputs
    ]
    assert len(side) == 7
    assert {r.inputs["bucket"] for r in side} == {bucket_id}


def test_policy_waits_for_the_access_block(default_bucket: RecordingMonitor) -> None:
    policy = one(default_bucket, "aws:s3/bucketPolicy:BucketPolicy")
    pab = one(default_bucket, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert pab.urn in policy.dependencies


def test_logs_are_date_partitioned(default_bucket: RecordingMonitor) -> None:
    logging = one(default_bucket, "aws:s3/bucketLogging:BucketLogging").inputs
    assert logging["targetPrefix"] == "s3/data/"
    assert logging["targetObjectKeyFormat"] == {
        "partitionedPrefix": {"partitionDateSource": "EventTime"}
    }


def test_caller_statements_merge_into_the_one_policy() -> None:
    grant = {"Sid": "Extra", "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*",
             "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::1:distribution/E1"}}}  # fmt: skip
    monitor = build_bucket(policy_statements=[grant])
    statements = _policy(monitor)["Statement"]
    assert [s["Sid"] for s in statements] == ["DenyInsecureTransport", "Extra"]
    assert statements[1] == grant


def test_deferred_statements_land_in_the_policy() -> None:
    import pulumi_aws as aws

    def program() -> None:
        provider = aws.Provider("aws-test", region="eu-west-1")
        later: pulumi.Output[list[dict[str, Any]]]
        later, resolve = pulumi.deferred_output()
        Bucket("data", BucketArgs(access_logs=LOGS, policy_statements=later),
               pulumi.ResourceOptions(provider=provider))  # fmt: skip
        resolve(pulumi.Output.from_input([{"Sid": "Late", "Effect": "Allow"}]))

    sids = [s["Sid"] for s in _policy(run_mocked(program))["Statement"]]
    assert sids == ["DenyInsecureTransport", "Late"]


def test_statements_resolved_later_are_checked_too() -> None:
    # Deferred statements (an Output) reach the policy document only through bucket_policy,
    # which refuses public grants when they resolve.
    from components.aws import s3_policies

    with pytest.raises(
        ValueError, match=r"^policy_statements: Open would make the private bucket public"
    ):
        s3_policies.bucket_policy(
            "arn:aws:s3:::b", [{"Sid": "Open", "Effect": "Allow", "Principal": {"AWS": "*"}}]
        )
    service = {
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject",
    }
    assert (
        json.loads(s3_policies.bucket_policy("arn:aws:s3:::b", [service]))["Statement"][1]
        == service
    )


def test_key_policy_takes_extra_statements() -> None:
    extra = {"Sid": "CdnDecrypt", "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
             "Action": "kms:Decrypt", "Resource": "*"}  # fmt: skip
    monitor = build_bucket(key_policy_statements=[extra])
    policy = json.loads(one(monitor, "aws:kms/key:Key").inputs["policy"])
    assert [s["Sid"] for s in policy["Statement"]] == [
        "AccountAdministersKeyThroughIam",
        "CdnDecrypt",
    ]
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}


def test_shared_key_creates_no_key() -> None:
    shared = "arn:aws:kms:eu-west-1:123456789012:key/shared"
    monitor = build_bucket(kms_key_arn=shared)
    assert of_type(monitor, "aws:kms/key:Key") == []
    assert _sse(monitor)["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == shared


def test_log_target_uses_sse_s3_and_admits_log_delivery() -> None:
    monitor = build_bucket(
        access_logs=None,
        encryption="AES256",
        log_target=LogTargetArgs(vended_log_source_regions=["us-east-1"]),
        lifecycle=LifecycleArgs(expiration_days=30),
    )
    assert of_type(monitor, "aws:kms/key:Key") == []
    assert of_type(monitor, "aws:s3/bucketLogging:BucketLogging") == []
    sse = _sse(monitor)
    assert sse["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}
    assert sse["bucketKeyEnabled"] is False
    arn = one(monitor, "aws:s3/bucket:Bucket").outputs["arn"]
    by_sid = {s["Sid"]: s for s in _policy(monitor)["Statement"]}
    assert set(by_sid) == {
        "DenyInsecureTransport",
        "S3ServerAccessLogDelivery",
        "VendedLogDelivery",
    }
    s3_logs = by_sid["S3ServerAccessLogDelivery"]
    assert s3_logs["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert s3_logs["Resource"] == f"{arn}/s3/*"
    assert s3_logs["Condition"]["StringEquals"]["aws:SourceAccount"] == "123456789012"
    vended = by_sid["VendedLogDelivery"]
    assert vended["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert vended["Condition"]["ArnLike"]["aws:SourceArn"] == (
        "arn:aws:logs:us-east-1:123456789012:delivery-source:*"
    )
    assert _rule(monitor)["expiration"] == {"days": 30}


def test_transitions_and_expiry_flow_through() -> None:
    monitor = build_bucket(
        lifecycle=LifecycleArgs(
            abort_incomplete_multipart_upload_days=3,
            noncurrent_version_expiration_days=30,
            transitions=[Transition(days=30, storage_class="STANDARD_IA"),
                         Transition(days=90, storage_class="GLACIER_IR")],
            expiration_days=400,
        )
    )  # fmt: skip
    rule = _rule(monitor)
    assert rule["transitions"] == [
        {"days": 30, "storageClass": "STANDARD_IA"},
        {"days": 90, "storageClass": "GLACIER_IR"},
    ]
    assert rule["expiration"] == {"days": 400}
    assert rule["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 3}
    assert rule["noncurrentVersionExpiration"] == {"noncurrentDays": 30}


def test_protection_and_force_destroy_follow_args() -> None:
    monitor = build_bucket(protect_stateful=False, force_destroy=True)
    assert not any(r.protect for r in monitor.recorded)
    assert one(monitor, "aws:s3/bucket:Bucket").inputs["forceDestroy"] is True


def test_children_are_parented_named_and_tagged(default_bucket: RecordingMonitor) -> None:
    component = one(default_bucket, "groundwork:aws/storage:Bucket")
    for r in default_bucket.recorded:
        if r.custom and not r.type.startswith("pulumi:providers:"):
            assert r.parent == component.urn, r.name
            assert r.name.startswith("data-"), r.name
    for typ in ("aws:s3/bucket:Bucket", "aws:kms/key:Key"):
        assert TAGS.items() <= one(default_bucket, typ).inputs["tags"].items()


def test_fake_cloud_computes_bucket_outputs(default_bucket: RecordingMonitor) -> None:
    out = one(default_bucket, "aws:s3/bucket:Bucket").outputs
    assert out["arn"] == f"arn:aws:s3:::{out['bucket']}"
    assert out["bucketRegionalDomainName"] == f"{out['bucket']}.s3.eu-west-1.amazonaws.com"


BAD_ARGS: list[tuple[str, dict[str, Any], str]] = [
    ("kms-log-target", {"access_logs": None, "log_target": LogTargetArgs()}, "encryption"),
    ("bad-encryption", {"encryption": "none"}, "encryption"),
    ("key-with-sse-s3", {"encryption": "AES256", "kms_key_arn": "arn:k"}, "kms_key_arn"),
    ("log-prefix-slash", {"access_logs": AccessLogArgs(target_bucket="b", prefix="s3")}, "access_logs.prefix"),
    ("abort-days", {"lifecycle": LifecycleArgs(abort_incomplete_multipart_upload_days=0)},
     "lifecycle.abort_incomplete_multipart_upload_days"),
    ("noncurrent-days", {"lifecycle": LifecycleArgs(noncurrent_version_expiration_days=0)},
     "lifecycle.noncurrent_version_expiration_days"),
    ("ia-too-early", {"lifecycle": LifecycleArgs(transitions=[Transition(days=10, storage_class="STANDARD_IA")])},
     "lifecycle.transitions"),
    ("descending", {"lifecycle": LifecycleArgs(transitions=[
        Transition(days=90, storage_class="GLACIER"), Transition(days=60, storage_class="GLACIER_IR")])},
     "lifecycle.transitions"),
    ("bad-class", {"lifecycle": LifecycleArgs(transitions=[Transition(days=90, storage_class="COLD")])},
     "lifecycle.transitions"),
    ("expiry-before-transition", {"lifecycle": LifecycleArgs(
        transitions=[Transition(days=90, storage_class="GLACIER")], expiration_days=60)},
     "lifecycle.expiration_days"),
    ("lock-unversioned", {"versioning": False, "object_lock": ObjectLockArgs()}, "object_lock"),
    ("lock-days", {"object_lock": ObjectLockArgs(days=0)}, "object_lock.days"),
    ("lock-force-destroy", {"force_destroy": True, "object_lock": ObjectLockArgs()}, "object_lock"),
    ("public-aws-list", {"policy_statements": [{"Sid": "Open", "Effect": "Allow", "Principal": {"AWS": ["*"]},
                                                "Action": "s3:GetObject", "Resource": "*"}]}, "policy_statements"),
    ("public-star-narrowed", {"policy_statements": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                     "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpce": "v"}}}]},
     "policy_statements"),
    ("not-principal", {"policy_statements": [{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
                                              "Action": "s3:GetObject", "Resource": "*"}]}, "policy_statements"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "field"), [c[1:] for c in BAD_ARGS], ids=[c[0] for c in BAD_ARGS]
)
def test_bad_args_fail_naming_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        build_bucket(**overrides)
