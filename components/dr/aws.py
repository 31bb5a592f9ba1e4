"""`groundwork:aws/dr:RegionKey`: the customer-managed key of the DR region's data (the
database secondary, the replicated database secret), created before the data tier so that the
primary can replicate its secret under it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from components._base import type_token
from components.aws.data_tier import data_key
from components.aws.identity import aws_context


@dataclass(frozen=True, kw_only=True)
class RegionKeyArgs:
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True


class RegionKey(pulumi.ComponentResource):
    arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: RegionKeyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("dr", "RegionKey", cloud="aws"), name, None, opts)
        key = data_key(
            self, name, ctx=aws_context(self), description=f"Encrypts DR-region data of {name}",
            tags=args.tags, protect=args.protect_stateful,
        )  # fmt: skip
        self.arn = key.arn
        self.register_outputs({"arn": self.arn})
