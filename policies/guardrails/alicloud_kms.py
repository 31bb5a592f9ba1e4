"""Alibaba Cloud KMS rules: where customer master keys live. Since KMS 3.0 (2022-03-31) a new
account creates CMKs in a KMS instance; outside one it has a single free default CMK per region
(docs/alicloud-kms.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .core import Finding, Rule, Subject, get

KMS_KEY = "alicloud:kms/key:Key"


def _placed(key: Subject) -> bool:
    # An instance the stack creates has no id at preview: set but unknown is still "in one".
    return bool(get(key.props, "dkmsInstanceId"))


def _in_instance(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if not _placed(subject):
        yield (
            "no dkmsInstanceId: the key is the region's default key, shared by every purpose "
            "(disabling or losing it stops every service that uses it)"
        )


def _one_default_key(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    outside: dict[str, list[Subject]] = defaultdict(list)
    for s in subjects:
        if s.type == KMS_KEY and not _placed(s):
            outside[s.region or "?"].append(s)
    # Every key of the group is named, not "all but the first": registration order is not
    # stable across runs, and which key would be the account's one default key is a choice the
    # team makes, not one the pack can.
    for region, keys in sorted(outside.items()):
        if len(keys) < 2:
            continue
        names = sorted(k.name for k in keys)
        for key in sorted(keys, key=lambda k: k.name):
            others = ", ".join(f"'{n}'" for n in names if n != key.name)
            yield Finding(
                f"key '{key.name}' is one of {len(keys)} keys outside a KMS instance in {region} "
                f"(with {others}): an account has one default key per region; put the keys "
                "in a KMS instance (dkmsInstanceId) or share the one default key",
                key.urn,
            )


RULES = [
    Rule(
        # Availability, not security (security rules are mandatory everywhere): data stays
        # encrypted either way; what the shared default key costs is its blast radius (disabling
        # or losing it stops every service at once) and per-purpose control, which dev may trade.
        id="alicloud-kms-key-in-instance",
        group="availability",
        severity="medium",
        description="Every Alibaba Cloud KMS key lives in a KMS instance (one key per purpose), not the region's default key shared by every service (one key whose loss or disabling stops them all).",
        remediation="Create a kms.Instance and set dkmsInstanceId on the key (groundwork:kms.keys: instance).",
        types=(KMS_KEY,),
        resource_check=_in_instance,
        anchors="KMS 3.0: CMKs are created in a KMS instance",
    ),
    Rule(
        id="alicloud-kms-one-default-key",
        group="security",
        severity="high",
        description="At most one Alibaba Cloud KMS key per region outside a KMS instance: an account has one default key per region and cannot create another.",
        remediation="Give the keys a dkmsInstanceId, or share the single default key between the services.",
        types=(KMS_KEY,),
        stack_check=_one_default_key,
        anchors="KMS 3.0: one default CMK per account and region",
    ),
]
