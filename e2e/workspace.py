"""A throwaway workspace for the real `pulumi` CLI: a copy of the project, a local file backend, a
passphrase secrets provider and one fake-cloud state directory per stack, all in a temp dir.

Nothing here touches the checkout except the policy pack's own virtualenv (policies/venv,
git-ignored), which `pulumi install` creates as it would for a user.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from e2e.state import PolicyRun, policy_run
from fakecloud.store import STATE_ENV, Record, Store

ROOT = Path(__file__).resolve().parent.parent
ENGINE_BIN = ROOT / ".engine" / "bin"
PASSPHRASE = "e2e-only-passphrase"  # noqa: S105 (a throwaway stack in a temp dir)
HANG_GUARD_SECONDS = 1800
"""Not a speed limit: only stops a hung command from hanging CI."""

_NOT_COPIED = {".git", ".venv", ".venv-tools", ".engine", "out", "venv", "__pycache__",
               ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis"}  # fmt: skip


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    command: str

    def tail(self, lines: int = 60) -> str:
        return f"$ {self.command}  (exit {self.code})\n" + "\n".join(self.out.splitlines()[-lines:])


class Workspace:
    def __init__(self, tmp: Path) -> None:
        if not (ENGINE_BIN / "pulumi").exists():
            raise RuntimeError("no engine in .engine/bin: run ./tasks engine first")
        self.tmp = tmp
        self.project = tmp / "project"
        shutil.copytree(ROOT, self.project, ignore=lambda _d, names: _NOT_COPIED & set(names))
        # The program's virtualenv: the uv toolchain syncs it from uv.lock before each run.
        (self.project / ".venv").symlink_to(ROOT / ".venv")
        self.home = tmp / "pulumi-home"
        self.backend = tmp / "backend"
        self.backend.mkdir()
        self._runs = 0

    def env(self, stack: str) -> dict[str, str]:
        path = [str(ENGINE_BIN), str(ROOT / "fakecloud" / "bin"), str(ROOT / ".venv-tools" / "bin")]
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PULUMI_", "AWS_", "KUBECONFIG"))
        }
        return env | {
            "PATH": os.pathsep.join([*path, env.get("PATH", "")]),
            "PULUMI_HOME": str(self.home),
            "PULUMI_BACKEND_URL": self.backend.as_uri(),
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            STATE_ENV: str(self.cloud_dir(stack)),
        }

    def cloud_dir(self, stack: str) -> Path:
        return self.tmp / "cloud" / stack

    def cloud(self, stack: str) -> list[Record]:
        """What the fake cloud holds for a stack."""
        return list(Store(self.cloud_dir(stack)).all())

    def pulumi(
        self, stack: str, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> Result:
        argv = [str(ENGINE_BIN / "pulumi"), *args, "--non-interactive", "--color=never"]
        done = subprocess.run(  # noqa: S603 (our own engine binary)
            argv,
            cwd=cwd or self.project,
            env=self.env(stack) | (env or {}),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=HANG_GUARD_SECONDS,
            check=False,
        )
        return Result(done.returncode, done.stdout, "pulumi " + " ".join(args))

    def policy_args(self, stack: str) -> list[str]:
        return [
            "--policy-pack",
            "policies",
            "--policy-pack-config",
            f"policies/config/{stack}.json",
        ]

    def with_pack(self, stack: str, command: str, *args: str) -> tuple[Result, PolicyRun]:
        """`pulumi <command>` with the policy pack and the stack's policy config, and what the pack
        did, read from the engine's event log."""
        self._runs += 1
        log = self.tmp / f"events-{self._runs}.jsonl"
        result = self.pulumi(
            stack, command, *args, "--stack", stack, *self.policy_args(stack),
            "--event-log", str(log),
            env={"PULUMI_DEBUG_COMMANDS": "true"},  # the CLI lists --event-log only with this set
        )  # fmt: skip
        return result, policy_run(log.read_text() if log.exists() else "")

    def export(self, stack: str, *, show_secrets: bool) -> dict[str, Any]:
        args = ["stack", "export", "--stack", stack] + (["--show-secrets"] if show_secrets else [])
        result = self.pulumi(stack, *args)
        assert result.code == 0, result.tail()
        return json.loads(result.out)

    def offline_plan(self, stack: str, project: Path | None = None) -> dict[str, Any]:
        """The offline plan's JSON report for the same project and stack."""
        report = self.tmp / f"plan-{stack}.json"
        done = subprocess.run(  # noqa: S603
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "planner", stack, "--quiet",
             "--project-dir", str(project or self.project), "--json", str(report),
             "--markdown", str(self.tmp / f"plan-{stack}.md")],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        data: dict[str, Any] = json.loads(report.read_text())
        return data
