"""The fake cloud's state: one JSON file per resource under a state directory.

Several provider processes (one per explicit provider) share the directory, so every write is a
whole-file atomic replace and a new id is claimed with an exclusive create.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

STATE_ENV = "FAKECLOUD_STATE_DIR"


class StateDirError(RuntimeError):
    pass


@dataclass
class Record:
    type: str
    id: str
    urn: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


def state_dir() -> Path:
    value = os.environ.get(STATE_ENV)
    if not value:
        raise StateDirError(f"{STATE_ENV} is not set: the fake cloud needs a state directory")
    return Path(value)


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def _path(self, typ: str, rid: str) -> Path:
        key = hashlib.sha256(f"{typ}\0{rid}".encode()).hexdigest()[:32]
        return self.root / f"{key}.json"

    def claim(self, typ: str, rid: str) -> str:
        """Reserve an id for a new resource: `rid`, or `rid-2`, `rid-3`... when a resource of the
        same type holds it (a create-before-replace re-creates the same name before deleting)."""
        n = 1
        while True:
            candidate = rid if n == 1 else f"{rid}-{n}"
            try:
                with self._path(typ, candidate).open("x") as f:
                    f.write("{}")
                return candidate
            except FileExistsError:
                n += 1

    def put(self, record: Record) -> None:
        path = self._path(record.type, record.id)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(asdict(record), sort_keys=True))
        tmp.replace(path)

    def get(self, typ: str, rid: str) -> Record | None:
        try:
            data = json.loads(self._path(typ, rid).read_text())
        except FileNotFoundError:
            return None
        return Record(**data) if data else None

    def delete(self, typ: str, rid: str) -> bool:
        try:
            self._path(typ, rid).unlink()
        except FileNotFoundError:
            return False
        return True

    def all(self) -> Iterator[Record]:
        for path in sorted(self.root.glob("*.json")):
            data = json.loads(path.read_text())
            if data:
                yield Record(**data)
