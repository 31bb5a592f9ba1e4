"""Test kit: hermetic environment, a fresh event loop per test, recording mocks, real stack files.

- Every resource test runs the code under Pulumi's mock runtime through `planner.runner`, which
  gives each run its own context and event loop and records every registration with its options
  (`planner.recorder.RecordingMonitor`). Assert on recorded *inputs*: that is what the engine and
  the policies see, and it cannot silently skip like an assertion inside an `apply`.
- `stack_config("dev")` builds the validated config from the real `Pulumi.dev.yaml`.
"""

from __future__ import annotations

import asyncio
import copy
import os
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from infra import parse_config
from infra.build import build
from infra.config import AlicloudStackConfig, AwsStackConfig, StackConfig
from planner.recorder import RecordedResource, RecordingMonitor
from planner.runner import run_under_mocks
from planner.stackfile import read_stack_file, stack_names

PROJECT_DIR = Path(__file__).resolve().parent.parent
ALL_STACKS = tuple(stack_names(PROJECT_DIR))
"""Every shipped stack file (what `.ci/run` plans)."""


def _cloud(stack: str) -> str:
    text = (PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text()
    return "alicloud" if "groundwork:cloud: alicloud" in text else "aws"


STACKS = tuple(s for s in ALL_STACKS if _cloud(s) == "aws")
"""The shipped AWS stacks, one per lifecycle stage (named after it)."""
ALICLOUD_STACKS = tuple(s for s in ALL_STACKS if _cloud(s) == "alicloud")
"""The shipped Alibaba Cloud stacks (`dev-cn`, `prod-cn`)."""


@pytest.fixture(autouse=True)
def hermetic_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may read cloud credentials, profiles or an ambient Pulumi config."""
    for key in list(os.environ):
        if key.startswith(("AWS_", "ALICLOUD_", "ALIBABA_CLOUD_", "PULUMI_", "KUBECONFIG")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "no-kubeconfig"))


@pytest.fixture(autouse=True)
def event_loop_per_test() -> Iterator[asyncio.AbstractEventLoop]:
    """A fresh loop per test; pending tasks are cancelled so none leak into the next test."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.close()
    asyncio.set_event_loop(None)


def raw_stack_config(stack: str) -> dict[str, Any]:
    """Un-namespaced config values of the real stack file (structured values decoded)."""
    import yaml

    data = yaml.safe_load((PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text())
    return {
        key.split(":", 1)[1]: value
        for key, value in data["config"].items()
        if key.startswith("groundwork:")
    }


def stack_config(stack: str, **overrides: Any) -> AwsStackConfig:
    """Validated config of a real stack file, with top-level keys replaced by `overrides`."""
    cfg = parse_config({**raw_stack_config(stack), **overrides})
    assert isinstance(cfg, AwsStackConfig), "the checked-in stacks are AWS stacks"
    return cfg


def alicloud_stack_config(stack: str, **overrides: Any) -> AlicloudStackConfig:
    """Validated config of a real Alibaba Cloud stack file, with top-level keys replaced."""
    cfg = parse_config({**raw_stack_config(stack), **overrides})
    assert isinstance(cfg, AlicloudStackConfig), f"{stack} is not an Alibaba Cloud stack"
    return cfg


def any_stack_config(stack: str) -> StackConfig:
    return parse_config(raw_stack_config(stack))


def run_mocked(program: Callable[[], Any], stack: str = "test") -> RecordingMonitor:
    """Run any program (a component constructor, `build(cfg)`) under recording mocks."""
    return run_under_mocks(program, project="groundwork", stack=stack)


@cache
def _built(stack: str) -> RecordingMonitor:
    cfg = any_stack_config(stack)
    return run_mocked(lambda: build(cfg), stack=stack)


@pytest.fixture(params=ALL_STACKS)
def built_stack(request: pytest.FixtureRequest) -> tuple[str, RecordingMonitor]:
    """(stack name, monitor) of `build(cfg)` for each real stack file, on either cloud; built once
    per session."""
    return request.param, _built(request.param)


def built(stack: str) -> RecordingMonitor:
    return _built(stack)


DR_PROVIDER_MARK = "pulumi:providers:aws::aws-dr-"
"""In a resource's provider reference when it runs in the DR region."""


def in_dr_region(r: RecordedResource) -> bool:
    return DR_PROVIDER_MARK in (r.provider or "")


def primary_region(monitor: RecordingMonitor) -> RecordingMonitor:
    """The recording without what runs in the DR region (for tests of the primary's shape)."""
    view = copy.copy(monitor)
    view.recorded = [r for r in monitor.recorded if not in_dr_region(r)]
    return view


def of_type(monitor: RecordingMonitor, typ: str) -> list[RecordedResource]:
    return monitor.by_type(typ)


def one(monitor: RecordingMonitor, typ: str, name: str | None = None) -> RecordedResource:
    found = [r for r in monitor.by_type(typ) if name is None or r.name == name]
    assert len(found) == 1, f"expected one {typ} {name or ''}, found {[r.name for r in found]}"
    return found[0]


def stack_file(stack: str):  # type: ignore[no-untyped-def]
    return read_stack_file(PROJECT_DIR, stack)
