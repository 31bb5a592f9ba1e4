"""Pulumi program of the account bootstrap: validate the stack config, build, export.

Run from this directory (`cd bootstrap && pulumi up`); the repository root goes on `sys.path` so
the shared `components/` and `infra/` packages import (pulumi/pulumi#7360).
"""

import sys
from pathlib import Path

import pulumi

ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bootstrap.config import load_config  # noqa: E402
from bootstrap.program import build  # noqa: E402

for key, value in build(load_config()).items():
    pulumi.export(key, value)
