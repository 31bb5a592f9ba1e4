"""Pulumi program: load and validate the stack config, build the platform, export its outputs.

Kept at the repository root (not `main: infra/`) so sibling packages import (pulumi/pulumi#7360).
"""

import pulumi

from infra import build, load_config

for key, value in build(load_config()).items():
    pulumi.export(key, value)
