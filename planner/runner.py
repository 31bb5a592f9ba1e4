"""Run the Pulumi program for a stack under the mock runtime, exactly as the language host does:
`runpy.run_path(<program dir>, run_name="__main__")` inside `pulumi.runtime.run_in_stack`, with the
stack's config in the PULUMI_CONFIG environment variable."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import os
import runpy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from google.protobuf import empty_pb2
from pulumi.runtime import config as runtime_config
from pulumi.runtime.mocks import MockEngine, MockSettings
from pulumi.runtime.settings import configure
from pulumi.runtime.stack import run_in_stack

from planner.recorder import EngineRuleError, FakeCloudMocks, RecordingMonitor
from planner.stackfile import StackFile


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def run_under_mocks(
    program: Callable[[], Any],
    *,
    project: str,
    stack: str,
    config: dict[str, str] | None = None,
    secret_keys: list[str] | None = None,
    preview: bool = False,
    cwd: Path | None = None,
) -> RecordingMonitor:
    """Run `program` inside a fresh Stack with recording mocks; return the monitor.

    Runs in a new context and event loop, so runs never share root resources, config or tasks.
    Exceptions from the program propagate.
    """
    monitor = RecordingMonitor(FakeCloudMocks(preview=preview))
    env = {
        "PULUMI_CONFIG": json.dumps(config or {}),
        "PULUMI_CONFIG_SECRET_KEYS": json.dumps(secret_keys or []),
    }

    def execute() -> None:
        runtime_config.CONFIG.set({})  # only PULUMI_CONFIG, as under the language host
        settings = MockSettings(
            monitor=monitor,
            monitor_features=set(monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures),
            engine=MockEngine(None),
            project=project,
            stack=stack,
            dry_run=preview,
            organization="organization",
            callbacks=None,
        )
        configure(settings)
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(run_in_stack(program))
        finally:
            # Let in-flight monitor calls (run in executor threads) finish while the loop still
            # runs, so none of them calls back into a closed loop after a failed run.
            loop.run_until_complete(loop.shutdown_default_executor())
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()
            asyncio.set_event_loop(None)

    with _environment(env), contextlib.chdir(cwd or Path.cwd()):
        contextvars.Context().run(execute)
    if monitor.problems:
        raise EngineRuleError(monitor.problems)
    return monitor


def run_program(
    project_dir: Path, stack_file: StackFile, *, preview: bool = False
) -> RecordingMonitor:
    """Run the project's `__main__.py` as the language host would, for one stack."""
    program_dir = str(project_dir.resolve())
    return run_under_mocks(
        lambda: runpy.run_path(program_dir, run_name="__main__"),
        project=stack_file.project,
        stack=stack_file.stack,
        config=stack_file.config,
        secret_keys=stack_file.secret_keys,
        preview=preview,
        cwd=project_dir,  # the language host runs the program from the project directory
    )
