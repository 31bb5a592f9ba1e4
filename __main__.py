"""Pulumi program: load and validate the stack config, build the platform, export its outputs.

Kept at the repository root (not `main: infra/`) so sibling packages import (pulumi/pulumi#7360).
"""

import pulumi

from infra import load_config

config = load_config()
# Imported only now: a refused config loads no component module and no cloud SDK.
from infra.build import build  # noqa: E402

for key, value in build(config).items():
    pulumi.export(key, value)
