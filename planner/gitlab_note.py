"""Post the offline-plan comment on a GitLab merge request as one note, edited in place.

The note is found by the marker that `planner.comment` puts first, so each pipeline updates the
same note instead of adding one per push. Reads GitLab's predefined CI variables plus
`GITLAB_NOTE_TOKEN` (a project access token with `api` scope: the job token may not write notes).

    python -m planner.gitlab_note comment.md
"""

from __future__ import annotations

import json
import os
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from planner.comment import MARKER

REQUIRED = ("CI_API_V4_URL", "CI_PROJECT_ID", "CI_MERGE_REQUEST_IID", "GITLAB_NOTE_TOKEN")


class NoteClient:
    def __init__(self, api: str, project: str, mr_iid: str, token: str) -> None:
        self.base = f"{api.rstrip('/')}/projects/{urllib.parse.quote(project, safe='')}"
        self.notes = f"{self.base}/merge_requests/{mr_iid}/notes"
        self.token = token

    def _call(self, method: str, url: str, body: dict[str, str] | None = None) -> tuple[Any, str]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (CI's API URL)
        request.add_header("PRIVATE-TOKEN", self.token)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read() or b"null"), response.headers.get("X-Next-Page", "")

    def find_marked(self) -> int | None:
        page = "1"
        while page:
            notes, page = self._call("GET", f"{self.notes}?per_page=100&page={page}")
            for note in notes:
                if str(note.get("body", "")).startswith(MARKER):
                    return int(note["id"])
        return None

    def upsert(self, body: str) -> tuple[str, int]:
        """Edit the marked note, or create it; returns ("updated" | "created", note id)."""
        existing = self.find_marked()
        if existing is not None:
            self._call("PUT", f"{self.notes}/{existing}", {"body": body})
            return "updated", existing
        created, _ = self._call("POST", self.notes, {"body": body})
        return "created", int(created["id"])


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: ./tasks mr-note <comment.md>", file=sys.stderr)
        return 2
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        print(
            f"error: not set: {', '.join(missing)} (run in a merge request pipeline)",
            file=sys.stderr,
        )
        return 2
    body = Path(args[0]).read_text()
    if not body.startswith(MARKER):
        print(
            f"error: {args[0]} does not start with {MARKER} (render it with ./tasks comment)",
            file=sys.stderr,
        )
        return 2
    env = os.environ
    client = NoteClient(env["CI_API_V4_URL"], env["CI_PROJECT_ID"], env["CI_MERGE_REQUEST_IID"],
                        env["GITLAB_NOTE_TOKEN"])  # fmt: skip
    action, note = client.upsert(body)
    print(f"{action} merge request note {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
