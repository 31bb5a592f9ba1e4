"""Policy configs derived from another one: the base file plus the overrides below, written out
because the engine reads plain files (`--policy-pack-config policies/config/test.json`).

    .venv/bin/python -m policies.guardrails.derived --write

A test fails when a written file differs from its rendering (e.g. a rule added to dev.json only).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from .config import config_path, load_pack_config

DERIVED: dict[str, tuple[str, dict[str, Any]]] = {
    # QA runs the release candidate exactly as it ships: pinned by digest, on a supported version.
    "test": (
        "dev",
        {
            "k8s-image-pinned": {"enforcementLevel": "mandatory", "requireDigest": True},
            "k8s-supported-version": {"enforcementLevel": "mandatory", "minVersion": "1.33"},
        },
    ),
    # The account bootstrap: prod-strict, a small budget, and an unpriced resource blocks.
    "bootstrap": (
        "prod",
        {
            "cost-stack-budget": {
                "enforcementLevel": "mandatory",
                "maxMonthlyCost": 50,
                "defaultRegion": "eu-west-1",
            },
            "cost-estimate-complete": "mandatory",
            # No data tier and no DR region: the objectives are the product stacks' (the rules
            # on databases, critical buckets and backup plans still hold, should one appear).
            "dr-objectives-met": {"enforcementLevel": "disabled", "enabled": False},
            # Deliberate, named exceptions (docs/delivery.md): the break-glass admin role is
            # AdministratorAccess behind MFA; a deploy role creates resources whose ARNs do not
            # exist yet, so it is bounded by region, by name prefix (IAM, S3) and by explicit
            # denies instead of by Resource.
            "iam-no-admin-managed-policy": {
                "enforcementLevel": "mandatory",
                "exclude": ["-admin-administrator$"],
            },
            "iam-no-wildcard-resource": {
                "enforcementLevel": "mandatory",
                "exclude": ["-deploy-[a-z]+-deploy$"],
            },
        },
    ),
}


def render(name: str) -> str:
    base, overrides = DERIVED[name]
    return json.dumps({**load_pack_config(config_path(base)), **overrides}, indent=2) + "\n"


def main(argv: list[str]) -> int:
    for name in DERIVED:
        path = config_path(name)
        if "--write" in argv:
            path.write_text(render(name))
        elif path.read_text() != render(name):
            print(f"{path.name} is stale: run with --write", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
