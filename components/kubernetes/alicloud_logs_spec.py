"""The container log collection's args and check: the preflight validates them without the SDKs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from components._base import require

if TYPE_CHECKING:
    import pulumi


@dataclass(frozen=True, kw_only=True)
class ContainerLogsArgs:
    project: pulumi.Input[str]
    """The SLS project (the application log project)."""
    logstore: str
    """Its logstore receiving the container output (created with the class's retention)."""
    namespaces: Sequence[str]
    """Namespaces whose containers are collected (the services' namespaces)."""


def validate(args: ContainerLogsArgs) -> None:
    require(bool(args.namespaces), "namespaces", "at least one namespace to collect")
