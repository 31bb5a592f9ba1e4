"""Command line of the offline plan.

Exit codes: 0 the plan passes; 1 an analyzer blocks it (e.g. a mandatory policy violation);
2 the stack file or its config is invalid; 3 the program itself failed (a bug: traceback shown).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.stackfile import StackFile, StackFileError, read_stack_file

if TYPE_CHECKING:
    from planner.recorder import RecordingMonitor

EXIT_OK, EXIT_BLOCKED, EXIT_CONFIG, EXIT_PROGRAM = 0, 1, 2, 3
CONFIG_LOADERS = {"groundwork": "infra.config", "groundwork-bootstrap": "bootstrap.config"}
"""Project -> module whose `config_from_values` validates that project's stack config."""
NAME_KEYS = {"groundwork": "groundwork:name: "}
"""Project -> the config key its resource names derive from (named when one is too long)."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="./tasks plan", description="Offline plan of one stack.")
    p.add_argument("stack", help="stack name: reads Pulumi.<stack>.yaml")
    p.add_argument("--project-dir", type=Path, default=Path.cwd(), help="directory of Pulumi.yaml")
    p.add_argument("--json", type=Path, help="JSON report path (default out/plan-<stack>.json)")
    p.add_argument("--markdown", type=Path, help="markdown path (default out/plan-<stack>.md)")
    p.add_argument("--quiet", action="store_true", help="summary only, no resource tree")
    p.add_argument("--preview", action="store_true", help="simulate a preview (dry run)")
    p.add_argument(
        "--compare-with",
        type=Path,
        metavar="REPORT",
        help="JSON report of the same stack on the base branch: the cost section shows the change",
    )
    p.add_argument(
        "--export-dir",
        type=Path,
        help="also write DIR/tfplan.json (Terraform JSON plan) and DIR/k8s/*.yaml for scanners",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    project_dir: Path = args.project_dir.resolve()
    try:
        stack_file = read_stack_file(project_dir, args.stack)
    except StackFileError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    return _plan(args, project_dir, stack_file, started)


def run_program(
    project_dir: Path, stack_file: StackFile, *, preview: bool = False
) -> RecordingMonitor:
    """planner.runner.run_program, imported on first use (tests replace it here)."""
    from planner.runner import run_program as run  # noqa: PLC0415

    return run(project_dir, stack_file, preview=preview)


def _validated_config(project_dir: Path, stack_file: StackFile) -> tuple[Any, list[str]]:
    """The stack's validated config and no problems, or None and the problems: checked before the
    program runs, as the program's first step checks it, so that a refused config costs neither
    the Pulumi SDK nor the cloud SDKs (config validation imports none of them)."""
    sys.path.insert(0, str(project_dir))  # the project's packages, as the program imports them
    try:
        loader = importlib.import_module(CONFIG_LOADERS[stack_file.project])
    finally:
        sys.path.remove(str(project_dir))
    try:
        config, _ = loader.config_from_values(stack_file.config, stack_file.secret_keys)
    except loader.ConfigError as exc:
        return None, list(exc.problems)
    return config, []


def _run(
    args: argparse.Namespace, project_dir: Path, stack_file: StackFile
) -> RecordingMonitor | int:
    """The program's recorded run, or the exit code of its failure (its errors printed)."""
    # Imported only now: a stack file or config refused before costs no SDK import.
    import pulumi  # noqa: PLC0415

    from planner.recorder import EngineRuleError  # noqa: PLC0415

    try:
        return run_program(project_dir, stack_file, preview=args.preview)
    except EngineRuleError as exc:
        for problem in exc.problems:
            print(f"error: the real engine would reject this program: {problem}", file=sys.stderr)
        return EXIT_PROGRAM
    except pulumi.RunError as exc:  # a deliberate, clean failure of the program: no traceback
        # Caused by the config's ConfigError, it lists the problems (config checked before passed,
        # so only a check that needs the running program lands here).
        listed = getattr(exc.__cause__, "problems", None)
        if listed is None:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_PROGRAM
        for problem in listed:
            print(f"error: {stack_file.path.name}: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    except Exception:  # noqa: BLE001 (a bug in the program: show everything)
        traceback.print_exc()
        print(
            f"error: the program failed for stack '{args.stack}' (traceback above)", file=sys.stderr
        )
        return EXIT_PROGRAM


def _plan(
    args: argparse.Namespace, project_dir: Path, stack_file: StackFile, started: float
) -> int:
    config, problems = _validated_config(project_dir, stack_file)
    for problem in problems:
        print(f"error: {stack_file.path.name}: {problem}", file=sys.stderr)
    if problems:
        return EXIT_CONFIG

    from planner.analyzers import ANALYZERS  # noqa: PLC0415
    from planner.report import PlanContext, build_report, markdown_summary, text_summary  # noqa: PLC0415

    monitor = _run(args, project_dir, stack_file)
    if isinstance(monitor, int):
        return monitor

    from infra.cloud_names import name_problems  # noqa: PLC0415 (the program put infra on sys.path)

    # Names the cloud would refuse are config problems: the stack's names derive from its config.
    names = name_problems(monitor.recorded)
    where = NAME_KEYS.get(stack_file.project, "")
    for line in names:
        print(f"error: {stack_file.path.name}: {where}{line}", file=sys.stderr)
    if names:
        return EXIT_CONFIG

    baseline = _baseline(args.compare_with)
    ctx = PlanContext(stack_file.project, args.stack, project_dir, monitor, config, baseline)
    sections = [analyze(ctx) for analyze in ANALYZERS]
    report = build_report(ctx, sections)
    report["elapsedSeconds"] = round(time.perf_counter() - started, 3)

    lines = text_summary(report, monitor.recorded, tree=not args.quiet)
    for section in sections:
        lines += ["", f"{section.title}:", *section.text]
    out_dir = project_dir / "out"
    json_path = args.json or out_dir / f"plan-{args.stack}.json"
    md_path = args.markdown or out_dir / f"plan-{args.stack}.md"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    md_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, indent=2, sort_keys=False) + "\n")
    md_path.write_text(markdown_summary(report, monitor.recorded, sections))
    lines += ["", f"Report: {json_path}", f"Summary: {md_path}"]
    if args.export_dir:
        from planner.export import write_export  # noqa: PLC0415

        lines.append(write_export(monitor.recorded, args.export_dir.resolve()).line())
    if report["blocking"]:
        lines += ["", "PLAN BLOCKED:", *[f"  {reason}" for reason in report["blocking"]]]
    print("\n".join(lines))
    return EXIT_BLOCKED if report["blocking"] else EXIT_OK


def _baseline(path: Path | None) -> dict[str, Any] | None:
    """The base report, or None when there is none (a stack new in this change has no base)."""
    if path is None or not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text())
    return data
