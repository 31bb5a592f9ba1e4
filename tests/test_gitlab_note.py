"""The GitLab MR note: found by its marker across pages and edited in place, else created once.
Runs against a local HTTP server that speaks the notes API's shape."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from planner import gitlab_note
from planner.comment import MARKER

NOTES = "/api/v4/projects/group%2Fgroundwork/merge_requests/7/notes"


class FakeGitLab:
    def __init__(self, pages: list[list[dict[str, Any]]]) -> None:
        self.pages = pages
        self.calls: list[tuple[str, str, Any]] = []


def _handler(state: FakeGitLab) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _reply(self, body: Any, next_page: str = "") -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Next-Page", next_page)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _record(self) -> Any:
            assert self.headers["PRIVATE-TOKEN"] == "t0ken"
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            state.calls.append((self.command, self.path, body))
            return body

        def do_GET(self) -> None:
            self._record()
            path, _, query = self.path.partition("?")
            assert path == NOTES and "per_page=100" in query
            page = int(dict(p.split("=") for p in query.split("&"))["page"])
            more = str(page + 1) if page < len(state.pages) else ""
            self._reply(state.pages[page - 1], more)

        def do_PUT(self) -> None:
            body = self._record()
            self._reply({"id": int(self.path.rsplit("/", 1)[1]), **body})

        def do_POST(self) -> None:
            body = self._record()
            assert self.path == NOTES
            self._reply({"id": 99, **body})

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def gitlab(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitLab]:
    state = FakeGitLab(request.param)
    server = HTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("CI_API_V4_URL", f"http://127.0.0.1:{server.server_port}/api/v4")
    monkeypatch.setenv("CI_PROJECT_ID", "group/groundwork")
    monkeypatch.setenv("CI_MERGE_REQUEST_IID", "7")
    monkeypatch.setenv("GITLAB_NOTE_TOKEN", "t0ken")
    yield state
    server.shutdown()
    thread.join()


OTHER = {"id": 1, "body": "LGTM"}
OURS = {"id": 42, "body": MARKER + "\nold plan"}


@pytest.mark.parametrize("gitlab", [[[OTHER], [OTHER, OURS]]], indirect=True)
def test_the_marked_note_is_edited_even_on_a_later_page(gitlab: FakeGitLab, tmp_path: Path) -> None:
    (tmp_path / "c.md").write_text(MARKER + "\nnew plan")
    assert gitlab_note.main([str(tmp_path / "c.md")]) == 0
    writes = [c for c in gitlab.calls if c[0] != "GET"]
    assert writes == [("PUT", f"{NOTES}/42", {"body": MARKER + "\nnew plan"})]
    assert [c[1].rsplit("&page=")[1] for c in gitlab.calls if c[0] == "GET"] == ["1", "2"]


@pytest.mark.parametrize("gitlab", [[[OTHER]]], indirect=True)
def test_without_a_marked_note_one_is_created(gitlab: FakeGitLab, tmp_path: Path) -> None:
    (tmp_path / "c.md").write_text(MARKER + "\nplan")
    assert gitlab_note.main([str(tmp_path / "c.md")]) == 0
    assert [c for c in gitlab.calls if c[0] != "GET"] == [
        ("POST", NOTES, {"body": MARKER + "\nplan"})
    ]


def test_outside_a_merge_request_pipeline_it_fails_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "c.md").write_text(MARKER)
    assert gitlab_note.main([str(tmp_path / "c.md")]) == 2
    assert "CI_MERGE_REQUEST_IID" in capsys.readouterr().err


@pytest.mark.parametrize("gitlab", [[[]]], indirect=True)
def test_a_body_without_the_marker_is_refused(
    gitlab: FakeGitLab, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "c.md").write_text("no marker")
    assert gitlab_note.main([str(tmp_path / "c.md")]) == 2
    assert gitlab.calls == []
