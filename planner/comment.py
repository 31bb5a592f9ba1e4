"""One PR / MR comment from the offline plans' markdown summaries (out/plan-<stack>.md).

The comment starts with a marker so CI finds and edits its own comment instead of adding one per
push. GitHub caps a comment at 65,536 characters and several stacks' plans exceed that, so when
the whole text does not fit, the collapsed blocks (architecture diagram, resource tree) are left
out, last stack first, with a pointer to the full plans; a plan's status, counts, policy
violations and cost always come first and are cut only if they alone exceed the limit.

    python -m planner.comment out/plan-dev.md out/plan-prod.md > comment.md
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

MARKER = "<!-- groundwork-offline-plan -->"
LIMIT = 60_000
"""Characters; below GitHub's 65,536 (GitLab allows 1,000,000)."""
OMITTED = "_Diagram and resource tree left out to fit the comment; the CI artifact has every plan._"
CUT = "\n\n_Comment cut at {limit:,} characters; the CI artifact has every plan._\n"
_DETAILS = "<details>"


def _split(summary: str) -> tuple[str, str]:
    """(status, counts, policy and cost) and (the collapsed blocks) of one plan summary."""
    head, sep, details = summary.partition(_DETAILS)
    return head.rstrip() + "\n", (sep + details).rstrip() + "\n" if sep else ""


def render(summaries: Sequence[str], limit: int = LIMIT) -> str:
    parts = [_split(s) for s in summaries]
    keep = [bool(details) for _, details in parts]

    def compose() -> str:
        blocks = [MARKER]
        for (head, details), kept in zip(parts, keep, strict=True):
            blocks.append(head + "\n" + (details if kept else OMITTED + "\n") if details else head)
        return "\n".join(blocks)

    body = compose()
    for i in reversed(range(len(parts))):
        if len(body) <= limit:
            break
        if keep[i]:
            keep[i] = False
            body = compose()
    if len(body) > limit:
        note = CUT.format(limit=limit)
        body = body[: limit - len(note)] + note
    return body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./tasks comment", description=__doc__.splitlines()[0])
    parser.add_argument("summaries", nargs="+", type=Path, help="out/plan-<stack>.md files")
    parser.add_argument("--limit", type=int, default=LIMIT, help="maximum characters")
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.summaries if not p.is_file()]
    if missing:
        print(
            f"error: no plan summary {', '.join(missing)} (run ./tasks plan first)", file=sys.stderr
        )
        return 2
    sys.stdout.write(render([p.read_text() for p in args.summaries], args.limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
