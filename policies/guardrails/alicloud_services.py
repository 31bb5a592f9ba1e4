"""Alibaba Cloud services a team adds beside the platform's own: NAS file systems unencrypted,
Function Compute HTTP triggers anyone on the internet can call. Same intent as the AWS rules
data-services-encrypted-at-rest and lambda-not-public."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from .core import Rule, Subject, need

NAS = "alicloud:nas/fileSystem:FileSystem"
REPOSITORIES = (
    "alicloud:cr/repo:Repo",
    "alicloud:cs/registryEnterpriseRepo:RegistryEnterpriseRepo",
)
NAMESPACES = (
    "alicloud:cr/namespace:Namespace",
    "alicloud:cs/registryEnterpriseNamespace:RegistryEnterpriseNamespace",
)
FC_TRIGGER = "alicloud:fc/trigger:Trigger"
FC_V3_TRIGGER = "alicloud:fc/v3Trigger:V3Trigger"
NAS_ENCRYPTED = ("1", "2")
"""encryptType 1: a key NAS manages; 2: a KMS key of the account (0 or unset: none)."""


def _nas_encrypted(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    encrypt = need(subject.props, "encryptType")
    if str(encrypt if encrypt is not None else 0) not in NAS_ENCRYPTED:
        yield f"encryptType={encrypt if encrypt is not None else 0}: files are not encrypted at rest"


def _fc_not_public(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    kind, prop = (
        ("triggerType", "triggerConfig") if subject.type == FC_V3_TRIGGER else ("type", "config")
    )
    if str(need(subject.props, kind) or "").lower() != "http":
        return
    raw = need(subject.props, prop)
    config = json.loads(raw) if isinstance(raw, str) and raw else (raw or {})
    # Without an authType Function Compute serves the trigger anonymously.
    auth = str(config.get("authType") or "anonymous") if isinstance(config, Mapping) else "?"
    # An FC 3.0 trigger without its public URL (the internet gets 403) is reachable from a VPC
    # only: the function then authenticates its callers itself (the alert relay: a bearer token).
    private = subject.type == FC_V3_TRIGGER and isinstance(config, Mapping) and (
        config.get("disableURLInternet") is True)  # fmt: skip
    if auth.lower() == "anonymous" and not private:
        yield f"an HTTP trigger with {prop}.authType={auth}: anyone on the internet can invoke the function"


RULES = [
    Rule(
        id="alicloud-nas-encrypted",
        group="security",
        severity="high",
        description="NAS file systems encrypt data at rest (encryptType 1, a NAS-managed key, or 2, a KMS key).",
        remediation="Create the file system with encryptType=2 and kmsKeyId (encryption cannot be turned on later).",
        types=(NAS,),
        resource_check=_nas_encrypted,
        anchors="IG nas-filesystem-encrypt-type-check, KICS alicloud nas_file_system_not_encrypted",
    ),
    Rule(
        id="alicloud-fc-not-public",
        group="security",
        severity="critical",
        description="Function Compute HTTP triggers require authentication (authType function or jwt); an anonymous one only without its public URL (FC 3.0 disableURLInternet: true, reachable from a VPC only).",
        remediation="Set authType to function (signed requests) or jwt in the trigger's config, or set disableURLInternet to true and authenticate callers in the function, or front the function with an authenticated API Gateway.",
        types=(FC_TRIGGER, FC_V3_TRIGGER),
        resource_check=_fc_not_public,
        anchors="IG fc-function-http-trigger-auth-check (intent of CKV_AWS_258)",
    ),
]
