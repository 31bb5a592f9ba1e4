"""How long the offline plan takes, against the floor of merely importing what it uses.

    ./tasks bench [--runs N] [--stacks dev prod]

The floor is `python -c "import pulumi, pulumi_aws, <every provider submodule and library the plan
loads>"`: the plan cannot be faster than importing its code. Everything above the floor is program
execution under the mock runtime plus reporting. Wall-clock medians of N fresh processes.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

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
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


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
    parser.add_argument("--stacks", nargs="+", default=["dev", "prod"])
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


if __name__ == "__main__":
    main()
