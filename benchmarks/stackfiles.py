"""Time and memory of refusing each bad stack file (tests/stackfiles/bad-*.yaml).

    .venv/bin/python -m benchmarks.stackfiles [--runs N]

Per file: the whole `python -m planner <stack>` process as a user runs it (wall seconds and peak
resident memory of that process, from wait4), and the reader alone in this process (seconds and
peak Python allocation, from tracemalloc). The bound the project holds itself to: 1 s, 500 MB.
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
from pathlib import Path

from planner.stackfile import StackFileError, read_stack_file

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "stackfiles"


def _process(project: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit code of one plan process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "planner", "case", "--project-dir", str(project)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, proc.returncode


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {args.runs} runs each, median; process = whole CLI\n")
    print(f"{'file':<34} {'bytes':>7} {'exit':>4} {'process s':>9} {'RSS MB':>7} "
          f"{'reader s':>9} {'reader MB':>9}")  # fmt: skip
    worst = (0.0, 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        shutil.copy(ROOT / "Pulumi.yaml", project / "Pulumi.yaml")
        for case in sorted(CASES.glob("bad-*.yaml")):
            shutil.copy(case, project / "Pulumi.case.yaml")
            runs = [_process(project) for _ in range(args.runs)]
            reads = [_reader(project) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in runs)
            rss = max(r[1] for r in runs)
            codes = {r[2] for r in runs}
            worst = (max(worst[0], wall), max(worst[1], rss))
            print(
                f"{case.name:<34} {case.stat().st_size:>7} {','.join(map(str, codes)):>4} "
                f"{wall:>9.3f} {rss:>7.1f} {statistics.median(r[0] for r in reads):>9.4f} "
                f"{max(r[1] for r in reads):>9.2f}"
            )
    print(f"\nworst process: {worst[0]:.3f} s, {worst[1]:.1f} MB (bound: 1 s, 500 MB)")


if __name__ == "__main__":
    main()
