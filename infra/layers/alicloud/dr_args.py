"""What the Alibaba Cloud DR layer asks of its components, built from config; imported by the
preflight without the SDKs."""

from __future__ import annotations

from components.network.alicloud_spec import VpcArgs
from infra.config import AlicloudStackConfig
from infra.layers.alicloud.network_args import vpc_args_of

DR_ROLE = {"dr-role": "replica"}
"""Tags of everything in the DR region: its role, for role-aware rules (as on AWS)."""


def dr_tags(cfg: AlicloudStackConfig) -> dict[str, str]:
    return {**cfg.base_tags, **DR_ROLE}


def dr_vpc_args(cfg: AlicloudStackConfig) -> VpcArgs:
    return vpc_args_of(cfg, cfg.dr.region or "", cfg.dr.network, dr_tags(cfg))
