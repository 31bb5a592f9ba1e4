"""What the Alibaba Cloud keys layer asks of its components, built from config; imported by the
preflight without the SDKs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from components.alicloud.key_store_spec import KeyStoreArgs
from infra.config import AlicloudStackConfig

if TYPE_CHECKING:
    import pulumi


def key_store_args(
    cfg: AlicloudStackConfig,
    vpc_id: pulumi.Input[str],
    switch_ids: Mapping[str, pulumi.Input[str]],
    tags: dict[str, str],
) -> KeyStoreArgs:
    return KeyStoreArgs(
        placement=cfg.kms.keys,
        vpc_id=vpc_id,
        switch_ids=switch_ids,
        tags=tags,
        protect_stateful=cfg.protect_stateful_resources,
    )
