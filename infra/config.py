"""The typed stack config: one validated, frozen `StackConfig` built from `Pulumi.<stack>.yaml`.

All `pulumi.Config` reads happen in `load_config`; everything downstream takes `StackConfig`.
Bad input fails here, before any resource is registered, with one line per problem that names the
stack-file key, the value and what is allowed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Literal

import pulumi
from pydantic import Field, ValidationError, model_validator

from components.network.cidr_plan import CidrPlanError, SubnetPlan, default_slot, plan_subnets
from infra.presets import PRESETS, deep_merge
from infra.regions import REGIONS, Cloud, zone_name, zone_suffix
from infra.sections.base import Section
from infra.sections.cdn import Cdn
from infra.sections.dr import DisasterRecovery
from infra.sections.network import Network
from infra.sections.storage import Storage
from infra.sections.tags import Tags

PROJECT = "groundwork"
"""Project name in Pulumi.yaml, and the namespace of every config key we own."""

Environment = Literal["dev", "staging", "prod"]
MIN_PROD_ZONES = 3


class ConfigError(pulumi.RunError):
    """The stack config is invalid. A RunError, so the Pulumi language host prints the message
    without a Python traceback."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid stack config:\n" + "\n".join(f"  {p}" for p in problems))
        self.problems = problems


class StackConfig(Section):
    """Everything a stack can set, under the `groundwork:` namespace of its stack file."""

    environment: Environment
    """Lifecycle stage; selects the preset in infra/presets.py."""
    cloud: Cloud = "aws"
    """Target cloud."""
    region: str
    """Primary region."""
    name: str = Field("groundwork", pattern=r"^[a-z][a-z0-9-]{1,20}[a-z0-9]$")
    """Product slug: prefix of every resource name and the `service` tag (3-23 lowercase
    letters, digits or hyphens; valid as a name on both clouds)."""
    tags: Tags
    """Ownership tags."""
    protect_stateful_resources: bool = True
    """Set Pulumi `protect` (and cloud deletion protection) on keys, logs, databases, caches and
    buckets, so a rename or destroy cannot delete them."""
    network: Network = Network()
    """The VPC."""
    dr: DisasterRecovery = DisasterRecovery()
    """Disaster-recovery region."""
    storage: Storage = Storage()
    """S3 buckets (assets, uploads, backups, logs)."""
    cdn: Cdn = Cdn()
    """CloudFront, TLS, security headers and WAF in front of the assets bucket."""

    @model_validator(mode="after")
    def _cross_field_checks(self) -> StackConfig:
        allowed = REGIONS[self.cloud]
        if self.region not in allowed:
            raise ValueError(
                f"region: '{self.region}' is not a {self.cloud} region; allowed: "
                + ", ".join(sorted(allowed))
            )
        self._check_zones()
        if self.environment == "prod" and len(self.network.zones) < MIN_PROD_ZONES:
            raise ValueError(
                f"network.zones: prod needs at least {MIN_PROD_ZONES} availability zones, "
                f"got {len(self.network.zones)}"
            )
        if self.dr.enabled:
            if self.dr.region is None:
                raise ValueError("dr.region: required when dr.enabled is true")
            if self.dr.region == self.region:
                raise ValueError(f"dr.region: must differ from the primary region '{self.region}'")
            if self.dr.region not in allowed:
                raise ValueError(f"dr.region: '{self.dr.region}' is not a {self.cloud} region")
        self._check_storage_and_cdn()
        return self

    def _check_storage_and_cdn(self) -> None:
        prod = self.environment == "prod"
        if prod and self.storage.force_destroy:
            raise ValueError("storage.forceDestroy: must be false in prod (buckets hold data)")
        if not self.cdn.enabled:
            return
        if not self.storage.assets.enabled:
            raise ValueError("cdn.enabled: the CDN serves the assets bucket; enable storage.assets")
        if prod and self.cdn.allow_default_certificate:
            raise ValueError(
                "cdn.allowDefaultCertificate: not allowed in prod; set cdn.domain so the minimum "
                "TLS version applies"
            )
        if self.cdn.domain is None and not self.cdn.allow_default_certificate:
            raise ValueError(
                "cdn.domain: required unless cdn.allowDefaultCertificate is true (with the default "
                "*.cloudfront.net certificate AWS fixes the minimum TLS version at TLSv1)"
            )

    def _check_zones(self) -> None:
        for zone in self.network.zones:
            full = zone_name(self.cloud, self.region, zone)
            suffix = zone_suffix(self.region, full)
            if not suffix.isalpha() or not suffix.islower() or len(suffix) != 1:
                raise ValueError(
                    f"network.zones: '{zone}' is not a zone of {self.region} "
                    f"(use a letter such as 'a' or a full name such as '{self.region}a')"
                )
        unknown = set(self.network.zone_slots) - set(self.zone_names)
        if unknown:
            raise ValueError(
                f"network.zoneSlots: names zones not in network.zones: {sorted(unknown)}"
            )
        try:
            self.subnet_plan()
        except CidrPlanError as exc:
            raise ValueError(str(exc)) from exc

    @property
    def zone_names(self) -> list[str]:
        """Full availability-zone names, in stack-file order."""
        return [zone_name(self.cloud, self.region, z) for z in self.network.zones]

    @property
    def zone_slots(self) -> dict[str, int]:
        """Subnet slot of each zone: pinned in `network.zoneSlots`, else from the zone letter."""
        pinned = {
            zone_name(self.cloud, self.region, z): s for z, s in self.network.zone_slots.items()
        }
        slots: dict[str, int] = {}
        for zone in self.zone_names:
            slot = pinned.get(zone, default_slot(zone_suffix(self.region, zone)))
            if slot is None:
                raise CidrPlanError(
                    "network.zoneSlots",
                    f"zone '{zone}' has no default slot (letters a-f do); pin one in zoneSlots",
                )
            slots[zone] = slot
        return slots

    def subnet_plan(self) -> SubnetPlan:
        net = self.network
        return plan_subnets(
            str(net.cidr),
            self.zone_slots,
            {
                "private": net.private_subnet_prefix,
                "public": net.public_subnet_prefix,
                "data": net.data_subnet_prefix,
            },
            zones=self.zone_names,
        )

    @property
    def base_tags(self) -> dict[str, str]:
        """Tags every taggable resource carries; the required ones win over `tags.extra`."""
        return {
            **self.tags.extra,
            "environment": self.environment,
            "owner": self.tags.owner,
            "cost-center": self.tags.cost_center,
            "service": self.name,
            "managed-by": "pulumi",
        }


def parse_config(raw: Mapping[str, Any]) -> StackConfig:
    """Validate un-namespaced stack-file values (`{"network": {...}}`) merged over their preset."""
    environment = raw.get("environment")
    preset = PRESETS.get(environment, {}) if isinstance(environment, str) else {}
    try:
        return StackConfig.model_validate(deep_merge(preset, raw))
    except ValidationError as exc:
        raise ConfigError([_describe(err) for err in exc.errors()]) from None


_FIELD_PREFIX = re.compile(r"^([a-zA-Z][\w.]*): ")


def _describe(err: Any) -> str:
    path = ".".join(str(p) for p in err["loc"])
    message = err["msg"].removeprefix("Value error, ")
    located = _FIELD_PREFIX.match(message)
    if not path and located:  # cross-field checks name their field at the start of the message
        path, message = located.group(1), message[located.end() :]
    key = f"{PROJECT}:{path}" if path else PROJECT
    if err["type"] == "extra_forbidden":
        return f"{key}: unknown key (check the spelling; see docs/config.md)"
    if err["type"] == "missing":
        return f"{key}: required but not set"
    value = err.get("input")
    shown = "" if isinstance(value, dict | list) or value is None else f" (got {value!r})"
    return f"{key}: {message}{shown}"


def raw_config_from_pulumi() -> dict[str, Any]:
    """Every `groundwork:*` key of the running stack, decoded, without its namespace.

    Reads the in-memory config and PULUMI_CONFIG exactly as `pulumi.Config` does, but enumerates
    the keys so that a misspelt key is an error instead of silently ignored.
    """
    from pulumi.runtime import config as runtime_config  # noqa: PLC0415  (internal module)

    merged = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    prefix = f"{PROJECT}:"
    raw: dict[str, Any] = {}
    for key, value in merged.items():
        if key.startswith(prefix):
            raw[key.removeprefix(prefix)] = _decode(value)
    return raw


def _decode(value: Any) -> Any:
    """Structured values arrive JSON-encoded; plain strings stay strings."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def load_config() -> StackConfig:
    """The running stack's validated config (raises ConfigError)."""
    return parse_config(raw_config_from_pulumi())
