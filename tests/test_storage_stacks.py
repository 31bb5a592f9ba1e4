"""Storage and edge in the real dev and prod stacks: nothing public, every bucket protected, the
distribution locked down, edge resources in us-east-1, per-environment differences."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.regions import EDGE_REGION
from planner.recorder import RecordedResource, RecordingMonitor
from tests.conftest import built, in_dr_region, of_type, one, stack_config

BUCKET = "aws:s3/bucket:Bucket"
DIST = "aws:cloudfront/distribution:Distribution"
EDGE_TYPES = {
    "aws:wafv2/webAcl:WebAcl",
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
    "aws:acm/certificate:Certificate",
    "aws:acm/certificateValidation:CertificateValidation",
    "aws:cloudwatch/logDeliverySource:LogDeliverySource",
    "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
    "aws:cloudwatch/logDelivery:LogDelivery",
}


def _side(monitor: RecordingMonitor, typ: str, bucket: RecordedResource) -> list[RecordedResource]:
    return [r for r in of_type(monitor, typ) if r.inputs.get("bucket") == bucket.id]


def _statements(policy: RecordedResource) -> list[dict[str, Any]]:
    statements = json.loads(policy.inputs["policy"])["Statement"]
    return statements if isinstance(statements, list) else [statements]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_bucket_blocks_public_access(stack: str) -> None:
    monitor = built(stack)
    buckets = of_type(monitor, BUCKET)
    # assets, uploads, backups, logs; prod also their replicas and a log bucket in the DR region
    assert len(buckets) == {"dev": 4, "prod": 8}[stack]
    for bucket in buckets:
        [pab] = _side(monitor, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket)
        flags = (
            "blockPublicAcls",
            "blockPublicPolicy",
            "ignorePublicAcls",
            "restrictPublicBuckets",
        )
        assert all(pab.inputs[f] is True for f in flags), bucket.name
        [own] = _side(monitor, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket)
        assert own.inputs["rule"]["objectOwnership"] == "BucketOwnerEnforced", bucket.name


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_no_acl_grants_public_access(stack: str) -> None:
    for acl in of_type(built(stack), "aws:s3/bucketAcl:BucketAcl"):
        assert acl.inputs.get("acl") in (None, "private"), acl.name
        grants = acl.inputs.get("accessControlPolicy", {}).get("grants", [])
        assert not any(
            "AllUsers" in json.dumps(g) or "AuthenticatedUsers" in json.dumps(g) for g in grants
        )


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_no_policy_statement_allows_anyone_without_a_source_arn(stack: str) -> None:
    policies = of_type(built(stack), "aws:s3/bucketPolicy:BucketPolicy")
    assert len(policies) == {"dev": 4, "prod": 8}[stack]
    for policy in policies:
        for s in _statements(policy):
            anyone = s.get("Principal") in ("*", {"AWS": "*"}, {"AWS": ["*"]})
            scoped = any("aws:sourcearn" in {k.lower() for k in cond}
                         for cond in s.get("Condition", {}).values())  # fmt: skip
            assert not (s["Effect"] == "Allow" and anyone and not scoped), (policy.name, s)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_bucket_is_encrypted_versioned_tls_only_with_lifecycle(stack: str) -> None:
    monitor = built(stack)
    sse_type = (
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    )
    for bucket in of_type(monitor, BUCKET):
        [sse] = _side(monitor, sse_type, bucket)
        algorithm = sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"]
        assert algorithm == ("AES256" if "-logs-" in bucket.name else "aws:kms"), bucket.name
        [ver] = _side(monitor, "aws:s3/bucketVersioning:BucketVersioning", bucket)
        assert ver.inputs["versioningConfiguration"]["status"] == "Enabled"
        [policy] = _side(monitor, "aws:s3/bucketPolicy:BucketPolicy", bucket)
        assert _statements(policy)[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        [life] = _side(
            monitor, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", bucket
        )
        assert "abortIncompleteMultipartUpload" in life.inputs["rules"][0]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_data_buckets_log_to_the_log_bucket(stack: str) -> None:
    monitor = built(stack)
    log_bucket = one(monitor, BUCKET, f"acme-{stack}-logs-bucket")
    for role in ("assets", "uploads", "backups"):
        bucket = one(monitor, BUCKET, f"acme-{stack}-{role}-bucket")
        [logging] = _side(monitor, "aws:s3/bucketLogging:BucketLogging", bucket)
        assert logging.inputs["targetBucket"] == log_bucket.outputs["bucket"]
        assert logging.inputs["targetPrefix"] == f"s3/{role}/"


def test_force_destroy_only_in_dev() -> None:
    assert {b.inputs["forceDestroy"] for b in of_type(built("prod"), BUCKET)} == {False}
    assert {b.inputs["forceDestroy"] for b in of_type(built("dev"), BUCKET)} == {True}


def test_prod_distribution_is_locked_down() -> None:
    monitor = built("prod")
    dist = one(monitor, DIST, "acme-prod-cdn-distribution").inputs
    behaviours = [dist["defaultCacheBehavior"], *dist.get("orderedCacheBehaviors", [])]
    assert {b["viewerProtocolPolicy"] for b in behaviours} <= {"redirect-to-https", "https-only"}
    assert dist["viewerCertificate"]["minimumProtocolVersion"] == "TLSv1.2_2021"
    assert dist["viewerCertificate"]["sslSupportMethod"] == "sni-only"
    assert dist["aliases"] == ["assets.acme.example"]
    assert dist["httpVersion"] == "http2and3"
    assert dist["priceClass"] == "PriceClass_All"
    oac = one(monitor, "aws:cloudfront/originAccessControl:OriginAccessControl")
    assert all(o["originAccessControlId"] == oac.id for o in dist["origins"])
    assert (
        dist["webAclId"]
        == one(monitor, "aws:wafv2/webAcl:WebAcl", "acme-prod-cdn-waf-acl").outputs["arn"]
    )
    headers = one(monitor, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy")
    sec = headers.inputs["securityHeadersConfig"]
    assert (
        sec["strictTransportSecurity"]["preload"]
        and sec["strictTransportSecurity"]["includeSubdomains"]
    )
    assert sec["frameOptions"]["frameOption"] == "DENY"
    assert dist["defaultCacheBehavior"]["responseHeadersPolicyId"] == headers.id
    source = one(
        monitor,
        "aws:cloudwatch/logDeliverySource:LogDeliverySource",
        "acme-prod-cdn-access-log-source",
    )
    assert (
        source.inputs["resourceArn"]
        == one(monitor, DIST, "acme-prod-cdn-distribution").outputs["arn"]
    )
    waf_log = one(monitor, "aws:cloudwatch/logGroup:LogGroup", "acme-prod-cdn-waf-logs")
    assert waf_log.inputs["name"].startswith("aws-waf-logs-")


def test_dev_distribution_is_cheap_and_still_enforces_modern_tls() -> None:
    # Dev has its own domain (Pulumi.dev.yaml), so the ACM certificate's TLS policy applies there
    # too; the default certificate would allow TLSv1 (policy cdn-https-only).
    dist = one(built("dev"), DIST).inputs
    assert dist["priceClass"] == "PriceClass_100"
    assert dist["viewerCertificate"]["minimumProtocolVersion"] == "TLSv1.2_2021"
    assert dist["viewerCertificate"]["acmCertificateArn"].startswith("arn:aws:acm:us-east-1:")
    assert dist["defaultCacheBehavior"]["viewerProtocolPolicy"] == "redirect-to-https"


def test_default_certificate_is_possible_where_policy_allows_but_says_tls_is_not_enforced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from infra import config
    from infra.build import build
    from infra.policy_limits import PolicyLimits, policy_limits
    from tests.conftest import run_mocked, stack_config

    relaxed = {**policy_limits("dev").pack_config, "cdn-https-only": "advisory"}
    monkeypatch.setattr(config, "policy_limits", lambda env: PolicyLimits(env, relaxed))
    cfg = stack_config("dev", cdn={"allowDefaultCertificate": True})
    outputs: dict[str, object] = {}
    monitor = run_mocked(lambda: outputs.update(build(cfg)), stack="dev")
    assert one(monitor, DIST).inputs["viewerCertificate"] == {"cloudfrontDefaultCertificate": True}
    assert outputs["cdnTlsPolicyEnforced"] is False


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_assets_are_readable_only_by_the_distribution(stack: str) -> None:
    monitor = built(stack)
    dist_arn = one(monitor, DIST, f"acme-{stack}-cdn-distribution").outputs["arn"]
    assets = one(monitor, BUCKET, f"acme-{stack}-assets-bucket")
    [policy] = _side(monitor, "aws:s3/bucketPolicy:BucketPolicy", assets)
    grants = [s for s in _statements(policy) if s["Effect"] == "Allow"]
    assert grants == [
        {
            "Sid": "CloudFrontOriginAccessControlRead",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": assets.outputs["arn"] + "/*",
            "Condition": {"StringEquals": {"AWS:SourceArn": dist_arn}},
        }
    ]
    for role in ("uploads", "backups"):
        other = one(monitor, BUCKET, f"acme-{stack}-{role}-bucket")
        [p] = _side(monitor, "aws:s3/bucketPolicy:BucketPolicy", other)
        assert [s["Effect"] for s in _statements(p)] == ["Deny"], role


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_edge_resources_use_the_us_east_1_provider(stack: str) -> None:
    monitor = built(stack)
    edge = one(monitor, "pulumi:providers:aws", f"aws-edge-{EDGE_REGION}")
    assert edge.inputs["region"] == "us-east-1"
    # The public Gateway's certificates are its ALB's: in the cluster's region, not the edge's.
    gateway = [r for r in monitor.recorded if "kubernetes:PublicGateway$" in r.urn]
    edge_resources = [r for r in monitor.recorded if r.type in EDGE_TYPES and r not in gateway]
    assert len(edge_resources) >= 5
    gateway_certificates = [r for r in gateway if r.type == "aws:acm/certificate:Certificate"]
    assert gateway_certificates
    assert {r.provider.rsplit("::", 1)[-1] for r in gateway_certificates} == {"aws-eu-west-1"}
    for r in edge_resources:
        assert r.provider == edge.urn, r.name
        if "arn" in r.outputs and r.type.startswith(("aws:wafv2", "aws:acm", "aws:cloudwatch")):
            assert ":us-east-1:" in r.outputs["arn"], r.name
    for bucket in of_type(monitor, BUCKET):
        assert bucket.provider != edge.urn
        region = "eu-central-1" if in_dr_region(bucket) else "eu-west-1"
        assert bucket.outputs["bucketRegionalDomainName"].endswith(f".s3.{region}.amazonaws.com")


def test_edge_provider_is_the_primary_when_the_stack_lives_in_us_east_1() -> None:
    from infra.build import build
    from tests.conftest import run_mocked

    cfg = stack_config("dev", region="us-east-1")
    monitor = run_mocked(lambda: build(cfg), stack="dev")
    assert [p.name for p in of_type(monitor, "pulumi:providers:aws")] == ["aws-us-east-1"]


def test_cdn_can_be_turned_off() -> None:
    from infra.build import build
    from tests.conftest import run_mocked

    cfg = stack_config("dev", cdn={"enabled": False})
    monitor = run_mocked(lambda: build(cfg), stack="dev")
    assert of_type(monitor, DIST) == []
    assert len(of_type(monitor, BUCKET)) == 4


def test_a_failing_cdn_fails_the_program_instead_of_hanging(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib
    import threading

    from tests.conftest import run_mocked

    wiring = importlib.import_module("infra.build")
    layer = importlib.import_module("infra.layers.storage")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("cdn exploded")

    monkeypatch.setattr(layer, "_cdn", broken)
    cfg = stack_config("dev")
    errors: list[BaseException] = []

    def run() -> None:
        try:
            run_mocked(lambda: wiring.build(cfg), stack="dev")
        except Exception as exc:  # noqa: BLE001 (collected for the assertion below)
            errors.append(exc)

    worker = threading.Thread(target=run, daemon=True)  # a hang must fail, not block the suite
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the program waited forever on the deferred bucket grant"
    assert [str(e) for e in errors] == ["cdn exploded"]


def test_cloudfront_may_only_decrypt_with_the_assets_key() -> None:
    import json

    key = one(built("prod"), "aws:kms/key:Key", "acme-prod-assets-key")
    statements = json.loads(key.inputs["policy"])["Statement"]
    [grant] = [
        s for s in statements if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}
    ]
    assert grant["Action"] == "kms:Decrypt"
    assert set(grant["Condition"]["StringEquals"]) == {"AWS:SourceArn"}
