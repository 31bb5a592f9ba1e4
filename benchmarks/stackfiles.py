"""Time and memory of refusing each bad stack file (tests/stackfiles/bad-*.yaml), and of the
config-level refusals of issue #11 (values the config or a component refuses, generated names).

    .venv/bin/python -m benchmarks.stackfiles [--runs N]

Per file: the whole `python -m planner <stack>` process as a user runs it (wall seconds and peak
resident memory of that process, from wait4), and the reader alone in this process (seconds and
peak Python allocation, from tracemalloc). The bound the project holds itself to: 1 s, 500 MB.
Config-level refusals happen before any SDK is imported: the planner validates the config first,
as the program does under `pulumi up` before it imports `infra.build` (tests/test_config_imports.py).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from planner.stackfile import StackFileError, read_stack_file

ROOT = Path(__file__).resolve().parent.parent
# As a user runs it: with Python's bytecode cache (some CI images set PYTHONDONTWRITEBYTECODE,
# which makes every run compile ~180 modules again and measures that instead).
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
CASES = ROOT / "tests" / "stackfiles"


def _process(project: Path) -> tuple[float, float, int, float]:
    """Wall seconds, peak RSS in MB, exit code and CPU seconds of one plan process (CPU: what the
    process itself needed, steady on a machine whose other jobs stretch the wall time)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "planner", "case", "--project-dir", str(project)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=USER_ENV,
    )  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return time.perf_counter() - start, usage.ru_maxrss / 1024, proc.returncode, cpu


def _reader(project: Path) -> tuple[float, float]:
    """Seconds and peak traced MB of read_stack_file alone."""
    tracemalloc.start()
    start = time.perf_counter()
    with contextlib.suppress(StackFileError):
        read_stack_file(project, "case")
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return elapsed, peak


def _config_case(stack: str, change: Callable[[dict[str, Any]], None]) -> str:
    data = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())
    change(data["config"])
    return yaml.safe_dump(data)


CONFIG_CASES: dict[str, tuple[str, Callable[[dict[str, Any]], None]]] = {
    "master-username-admin": ("dev", lambda c: c.__setitem__("groundwork:postgres", {"masterUsername": "admin"})),
    "ingress-namespace-apps": ("prod", lambda c: c["groundwork:platform"].__setitem__("ingressNamespace", "apps")),
    "zone-d": ("prod", lambda c: c["groundwork:network"].__setitem__("zones", ["a", "b", "d"])),
    "postgres-11": ("prod", lambda c: c.__setitem__("groundwork:postgres", {"engineVersion": "11.22"})),
    "iam-role-name-too-long": ("prod", lambda c: c.__setitem__("groundwork:name", "acme-webapp-platform-x")),
    "image-with-tag": ("prod", lambda c: c["groundwork:apps"]["web"].__setitem__("image", "nginx:1.29")),
    "plaintext-webhook": ("prod", lambda c: c["groundwork:alerting"].__setitem__("pagerdutyKey", "0123456789abcdef0123456789abcdef")),
    "ack-version-1.20": ("prod-cn", lambda c: c.__setitem__("groundwork:cluster", {"version": "1.20.4-aliyun.1"})),
}  # fmt: skip
"""Config-level refusals of the issue, from the real stack files."""


def _measure(project: Path, name: str, size: int, runs: int) -> tuple[float, float]:
    results = [_process(project) for _ in range(runs)]
    wall = statistics.median(r[0] for r in results)
    rss = max(r[1] for r in results)
    codes = ",".join(str(c) for c in sorted({r[2] for r in results}))
    cpu = statistics.median(r[3] for r in results)
    print(f"{name:<34} {size:>7} {codes:>4} {wall:>9.3f} {cpu:>6.3f} {rss:>7.1f}", end="")
    return wall, rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {args.runs} runs each, median; process = whole CLI\n")
    print(f"{'file':<34} {'bytes':>7} {'exit':>4} {'process s':>9} {'CPU s':>6} {'RSS MB':>7} "
          f"{'reader s':>9} {'reader MB':>9}")  # fmt: skip
    worst = (0.0, 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        shutil.copy(ROOT / "Pulumi.yaml", project / "Pulumi.yaml")
        for case in sorted(CASES.glob("bad-*.yaml")):
            shutil.copy(case, project / "Pulumi.case.yaml")
            wall, rss = _measure(project, case.name, case.stat().st_size, args.runs)
            reads = [_reader(project) for _ in range(args.runs)]
            print(
                f" {statistics.median(r[0] for r in reads):>9.4f} {max(r[1] for r in reads):>9.2f}"
            )
            worst = (max(worst[0], wall), max(worst[1], rss))
    print(f"\nworst process: {worst[0]:.3f} s, {worst[1]:.1f} MB (bound: 1 s, 500 MB)\n")
    print("config-level refusals (the config check, before any SDK import):")
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(
            ".venv*", ".git", "out", "__pycache__", "tests", "docs", ".wip"))  # fmt: skip
        for name, (stack, change) in CONFIG_CASES.items():
            text = _config_case(stack, change)
            (project / "Pulumi.case.yaml").write_text(text)
            _measure(project, name, len(text), args.runs)
            print()


if __name__ == "__main__":
    main()
