"""How long the offline plan takes, against the floor of merely importing what it uses, and how
it grows with the number of services.

    ./tasks bench [--runs N] [--stacks dev prod] [--services 1 10 30]

The floor is `python -c "import pulumi, pulumi_aws, <every provider submodule and library the plan
loads>"`: the plan cannot be faster than importing its code. Everything above the floor is program
execution under the mock runtime plus reporting. Wall-clock medians of N fresh processes.

The services benchmark plans the dev stack with 1, 10 and 30 services (benchmarks/scratch.py) and
reports wall and CPU seconds (CPU time of the plan process: steadier than wall time on a shared
machine), the time each added service costs, and T(30)/T(1).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.scratch import scratch_project, with_services

ROOT = Path(__file__).resolve().parent.parent
PROVIDER_PACKAGES = (
    "pulumi_aws",
    "pulumi_kubernetes",
    "pulumi_random",
    "pulumi_alicloud",
    "pulumi_policy",
)
LIBRARIES = ("pydantic", "yaml")


def _median_seconds(cmd: list[str], runs: int) -> tuple[float, float]:
    wall, _ = _timed_runs(cmd, runs)
    return statistics.median(wall), min(wall)


def _timed_runs(cmd: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of `runs` fresh processes."""
    wall, cpu = [], []
    for _ in range(runs):
        with tempfile.TemporaryFile() as errors:
            start = time.perf_counter()
            process = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors)
            _, status, usage = os.wait4(process.pid, 0)
            wall.append(time.perf_counter() - start)
            cpu.append(usage.ru_utime + usage.ru_stime)
            if os.waitstatus_to_exitcode(status) != 0:
                errors.seek(0)
                raise SystemExit(f"{' '.join(cmd)} failed:\n{errors.read().decode()}")
    return wall, cpu


# `python -m planner` without planner/__main__.py's GC thresholds: Python's defaults.
DEFAULT_GC_PLANNER = ["-c", "import sys; from planner.cli import main; sys.exit(main())"]


def bench_services(counts: list[int], runs: int, *, default_gc: bool = False) -> None:
    """Plan time of the dev stack by number of services."""
    gc = " with Python's default GC thresholds" if default_gc else ""
    print(f"\noffline plan of dev with N services{gc} ({runs} runs each, median seconds)")
    print(f"{'services':>8} {'resources':>9} {'wall':>7} {'cpu':>7}")
    cpu_by_count: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="groundwork-bench-") as tmp:
        project = scratch_project(
            Path(tmp), {f"bench-{n}": with_services("dev", n) for n in counts}
        )
        for n in counts:
            report = Path(tmp) / f"plan-{n}.json"
            planner = DEFAULT_GC_PLANNER if default_gc else ["-m", "planner"]
            cmd = [sys.executable, *planner, f"bench-{n}", "--quiet", "--project-dir",
                   str(project), "--json", str(report), "--markdown", str(Path(tmp) / f"{n}.md")]  # fmt: skip
            wall, cpu = _timed_runs(cmd, runs)
            resources = json.loads(report.read_text())["resourceCount"]
            cpu_by_count[n] = statistics.median(cpu)
            print(f"{n:>8} {resources:>9} {statistics.median(wall):7.2f} {cpu_by_count[n]:7.2f}")
    low, high = min(counts), max(counts)
    if high > low:
        per_service = (cpu_by_count[high] - cpu_by_count[low]) / (high - low)
        print(
            f"  CPU per added service {per_service:.3f} s; fixed cost (N={low}) {cpu_by_count[low]:.2f} s;"
        )
        print(
            f"  T({high})/T({low}) = {cpu_by_count[high] / cpu_by_count[low]:.2f} for {high / low:.0f}x the services"
        )


def _modules_loaded_by_plan(stack: str) -> list[str]:
    probe = (
        "import sys, io, contextlib\n"
        "from planner.cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()): main([{stack!r}, '--quiet'])\n"
        f"roots = {PROVIDER_PACKAGES!r}\n"
        "import types\n"
        "mods = sorted(m for m, mod in sys.modules.items() if m.split('.')[0] in roots\n"
        "              and type(mod) is types.ModuleType)  # loaded, not lazy placeholders\n"
        "print(' '.join(mods))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return out.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stacks", nargs="*", default=["dev", "prod"], help="none: skip")
    parser.add_argument("--services", nargs="*", type=int, default=[1, 10, 30],
                        help="service counts of the scaling benchmark (none: skip it)")  # fmt: skip
    parser.add_argument("--default-gc", action="store_true",
                        help="services benchmark also with Python's default GC thresholds")  # fmt: skip
    args = parser.parse_args()

    print(f"python {sys.version.split()[0]}, {args.runs} runs each, median (min) wall seconds\n")
    bare = [sys.executable, "-c", "import pulumi, pulumi_aws"]
    median, fastest = _median_seconds(bare, args.runs)
    print(f"{'bare import pulumi, pulumi_aws':<44} {median:6.2f}  ({fastest:.2f})")
    for stack in args.stacks:
        modules = _modules_loaded_by_plan(stack)
        # vars() forces pulumi_aws's lazily imported submodules to really load.
        floor_code = (
            f"import importlib, pulumi, {', '.join(LIBRARIES)}\n"
            f"for m in {modules!r}: vars(importlib.import_module(m))"
        )
        floor, floor_min = _median_seconds([sys.executable, "-c", floor_code], args.runs)
        plan, plan_min = _median_seconds(
            [sys.executable, "-m", "planner", stack, "--quiet", "--json", f"out/bench-{stack}.json",
             "--markdown", f"out/bench-{stack}.md"],
            args.runs,
        )  # fmt: skip
        print(
            f"{f'floor for {stack} ({len(modules)} SDK modules)':<44} {floor:6.2f}  ({floor_min:.2f})"
        )
        print(f"{f'./tasks plan {stack} --quiet':<44} {plan:6.2f}  ({plan_min:.2f})")
        print(f"{'  above floor':<44} {plan - floor:6.2f}  ({plan / floor:.1f}x floor)")
    if args.services:
        bench_services(sorted(set(args.services)), args.runs)
        if args.default_gc:
            bench_services(sorted(set(args.services)), args.runs, default_gc=True)


if __name__ == "__main__":
    main()
