"""`python -m planner.scan --checkov PATH [stack...]` (run through `./tasks scan`).

Default: every shipped stack (each `Pulumi.<stack>.yaml`), as `.ci/run` plans them all.
For each stack: the offline plan with `--export-dir out/export-<stack>`, Checkov's
`terraform_plan` and `kubernetes` frameworks on that directory (raw report in
out/checkov-<stack>.json), then the verdict against policies/checkov-waivers.yaml.
Exit 0 when every stack parses cleanly, every type it creates is exported (mapped in
planner/export/tf_types.json) and every failing check is waived; 1 otherwise, with what to do;
2 when the waiver file is invalid.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from planner.cli import EXIT_OK
from planner.cli import main as plan_main
from planner.export import unmapped_types
from planner.export.mapping import load_table
from planner.scan.advice import stale_advice, unmapped_advice, unwaived_advice
from planner.scan.findings import FRAMEWORKS, FrameworkResult, parse_report
from planner.scan.waivers import Waiver, WaiverFileError, judge, load_waivers
from planner.stackfile import stack_names

WAIVERS = Path("policies/checkov-waivers.yaml")


def run_checkov(checkov: Path, directory: Path, checks: list[str] | None = None) -> str:
    """Checkov's JSON report for the export in `directory` (offline: nothing is downloaded)."""
    cmd = [str(checkov), "-d", str(directory), "--framework", *FRAMEWORKS, "--output", "json",
           "--skip-download", "--soft-fail"]  # fmt: skip
    if checks:
        cmd += ["--check", ",".join(checks)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603 (our own pinned tool)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"checkov failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return done.stdout


def _report(
    stack: str,
    results: dict[str, FrameworkResult],
    waivers: list[Waiver],
    unmapped: tuple[str, ...] = (),
) -> tuple[list[str], bool]:
    lines = [f"Checkov on {stack}:"]
    ok = not unmapped
    failed = []
    for framework in FRAMEWORKS:
        result = results.get(framework)
        if result is None or result.resource_count == 0:
            lines.append(f"  {framework}: nothing scanned (the export has no {framework} input)")
            ok = False
            continue
        lines.append(f"  {framework}: {result.resource_count} resources, {len(result.passed)} passed, "
                     f"{len(result.failed)} failed, {len(result.parsing_errors)} parsing errors")  # fmt: skip
        lines += [f"    parsing error: {e}" for e in result.parsing_errors]
        ok = ok and not result.parsing_errors
        failed += result.failed
    verdict = judge(stack, failed, waivers)
    counts = Counter(w.index for _, w in verdict.waived)
    for waiver in sorted({w for _, w in verdict.waived}, key=lambda w: w.index):
        lines.append(f"  waived {waiver.check} x{counts[waiver.index]}: {waiver.reason}")
    for finding in verdict.unwaived:
        lines.append(f"  FAILED {finding.check_id} {finding.resource}: {finding.check_name}")
    for waiver in verdict.stale:
        lines.append(f"  STALE {waiver.label()}: matched no failing check in {stack}; remove it")
    ok = ok and not verdict.unwaived and not verdict.stale
    lines.append(f"  {'passes' if ok else 'FAILS'}: {len(verdict.unwaived)} unwaived failure(s), "
                 f"{len(verdict.waived)} waived, {len(verdict.stale)} stale waiver(s), "
                 f"{len(unmapped)} unmapped type(s)")  # fmt: skip
    lines += unwaived_advice(stack, verdict.unwaived, waivers)
    lines += stale_advice(stack, verdict.stale)
    lines += unmapped_advice(stack, unmapped)
    return lines, ok


def _custom_types(plan_report: Path) -> list[str]:
    data = json.loads(plan_report.read_text())
    return [r["type"] for r in data["resources"] if r["custom"]]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="./tasks scan", description=__doc__.splitlines()[0] if __doc__ else None
    )
    p.add_argument("stacks", nargs="*", help="default: every Pulumi.<stack>.yaml")
    p.add_argument("--checkov", type=Path, required=True, help="the checkov executable")
    p.add_argument("--waivers", type=Path, default=WAIVERS)
    p.add_argument("--out", type=Path, default=Path("out"))
    args = p.parse_args(argv)
    try:
        waivers = load_waivers(args.waivers, stack_names(Path()))
    except WaiverFileError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    all_ok = True
    for stack in args.stacks or stack_names(Path()):
        export = args.out / f"export-{stack}"
        plan_output = io.StringIO()
        with contextlib.redirect_stdout(plan_output):  # the plan's own report is not the scan's
            code = plan_main([stack, "--quiet", "--json", str(args.out / f"plan-{stack}.json"),
                              "--markdown", str(args.out / f"plan-{stack}.md"),
                              "--export-dir", str(export)])  # fmt: skip
        if code != EXIT_OK:  # blocked or broken: say why, and scan nothing half-planned
            print(plan_output.getvalue())
            print(f"error: the plan of {stack} did not pass (exit {code})", file=sys.stderr)
            return code
        print(plan_output.getvalue().strip().splitlines()[-1])  # the export line
        text = run_checkov(args.checkov, export)
        (args.out / f"checkov-{stack}.json").write_text(text)
        unmapped = unmapped_types(_custom_types(args.out / f"plan-{stack}.json"), load_table())
        lines, ok = _report(stack, parse_report(text), waivers, unmapped)
        print("\n" + "\n".join(lines))
        all_ok = all_ok and ok
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
