"""Scratch projects: the real program with stack files of our own, for benchmarks and tests.

A scratch project is a directory that links every top-level entry of the repository (the program,
its packages, the policy config) except the stack files and `out/`, and holds the stack files it
is given. `./tasks plan <stack> --project-dir <dir>` plans them exactly as it plans the real ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
KEEP_OUT = {"out", ".git", ".venv", ".venv-tools"}


def stack_file(stack: str) -> dict[str, Any]:
    """The parsed `Pulumi.<stack>.yaml` of the repository."""
    data: dict[str, Any] = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())
    return data


def scratch_project(directory: Path, stacks: Mapping[str, Mapping[str, Any]]) -> Path:
    """Lay out a scratch project in `directory` with `Pulumi.<name>.yaml` for each of `stacks`."""
    directory.mkdir(parents=True, exist_ok=True)
    for entry in ROOT.iterdir():
        if entry.name in KEEP_OUT or (
            entry.name.startswith("Pulumi.") and entry.name != "Pulumi.yaml"
        ):
            continue
        link = directory / entry.name
        if not link.exists():
            link.symlink_to(entry)
    for name, content in stacks.items():
        (directory / f"Pulumi.{name}.yaml").write_text(
            yaml.safe_dump(dict(content), sort_keys=False)
        )
    return directory


def services(count: int, domain: str) -> dict[str, Any]:
    """`count` services as a product team runs them, cycling through three shapes: a public web
    frontend, an API that uses PostgreSQL and the cache, and a worker without ports that uses
    the cache."""
    shapes: list[dict[str, Any]] = [
        {"image": "ghcr.io/acme/web", "tag": "2.4.1", "runAsUser": 1000,
         "config": {"API_URL": "http://api"}},
        {"image": "ghcr.io/acme/api", "tag": "3.1.0", "runAsUser": 1000,
         "ports": {"http": 8080, "metrics": 9090}, "uses": ["postgres", "redis"],
         "config": {"LOG_LEVEL": "info"}, "secrets": ["api-db"],
         "resources": {"requestsCpu": "250m", "requestsMemory": "256Mi", "limitsCpu": "1",
                       "limitsMemory": "512Mi"}},
        {"image": "ghcr.io/acme/worker", "tag": "3.1.0", "runAsUser": 1000, "ports": {},
         "uses": ["redis"], "secrets": ["worker-queue"]},
    ]  # fmt: skip
    result: dict[str, Any] = {}
    for shape in shapes:  # built multi-arch, so they run on the Graviton nodes of the presets
        shape["architectures"] = ["amd64", "arm64"]
    for i in range(count):
        shape = dict(shapes[i % len(shapes)])
        name = f"{shape['image'].rsplit('/', 1)[-1]}-{i + 1:02d}"
        if shape["image"].endswith("/web"):
            shape["host"] = f"{name}.{domain}"
        result[name] = shape
    return result


def with_services(stack: str, count: int) -> dict[str, Any]:
    """The repository's stack file `stack` with `count` generated services in `apps`."""
    data = stack_file(stack)
    config = dict(data["config"])
    host = config["groundwork:apps"]["web"]["host"]
    config["groundwork:apps"] = services(count, host.split(".", 1)[1])
    return {**data, "config": config}
