"""Validating a stack's config imports no SDK, so a refused config is refused fast (issue #11: every
refusal within 1 s; `.venv/bin/python -m benchmarks.stackfiles` measures it). The Pulumi SDK, the
cloud SDKs and gRPC cost ~0.4 s to import; the planner checks config before it loads them, and the
program (`__main__.py`) before it loads any component. A fresh interpreter shows what is imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from planner.stackfile import stack_names
from tests.conftest import ALL_STACKS, PROJECT_DIR

SDKS = (
    "pulumi", "pulumi_aws", "pulumi_alicloud", "pulumi_kubernetes", "pulumi_random",
    "pulumi_policy", "grpc",
)  # fmt: skip

CHECK = """
import json, sys
from pathlib import Path
from planner.cli import _validated_config
from planner.stackfile import read_stack_file

project, stacks, sdks = Path(sys.argv[1]), json.loads(sys.argv[2]), tuple(json.loads(sys.argv[3]))
problems = {s: _validated_config(project, read_stack_file(project, s))[1] for s in stacks}
loaded = sorted({m.split(".")[0] for m in sys.modules if m.split(".")[0] in sdks})
print(json.dumps({"problems": problems, "loaded": loaded}))
"""


def _validate(project: str, stacks: list[str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", CHECK, project, json.dumps(stacks), json.dumps(SDKS)],
        cwd=PROJECT_DIR, capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, object] = json.loads(out.stdout)
    return result


def test_validating_every_shipped_stack_imports_no_sdk() -> None:
    result = _validate(str(PROJECT_DIR), list(ALL_STACKS))
    assert result["problems"] == {s: [] for s in ALL_STACKS}
    assert result["loaded"] == []


def test_validating_the_bootstrap_stacks_imports_no_sdk() -> None:
    stacks = list(stack_names(PROJECT_DIR / "bootstrap"))
    result = _validate(str(PROJECT_DIR / "bootstrap"), stacks)
    assert stacks and result["problems"] == {s: [] for s in stacks}
    assert result["loaded"] == []


def test_a_refused_config_is_refused_without_importing_an_sdk(tmp_path: Path) -> None:
    project = tmp_path
    (project / "Pulumi.yaml").write_text((PROJECT_DIR / "Pulumi.yaml").read_text())
    data = yaml.safe_load((PROJECT_DIR / "Pulumi.prod.yaml").read_text())
    data["config"]["groundwork:network"]["zones"] = ["a", "b", "d"]
    (project / "Pulumi.prod.yaml").write_text(yaml.safe_dump(data))
    result = _validate(str(project), ["prod"])
    assert result["problems"] == {
        "prod": [
            "groundwork:network.zones: 'd' is not a zone of eu-west-1 (use a letter such as 'a' "
            "or a full name such as 'eu-west-1a'; its zones: a, b, c)"
        ]
    }
    assert result["loaded"] == []


def test_the_sentinels_the_rules_know_are_pulumi_policys() -> None:
    from pulumi_policy import proxy

    from policies.guardrails.core import UNKNOWN_SENTINELS

    assert {getattr(proxy, n) for n in dir(proxy) if n.startswith("UNKNOWN_")} == UNKNOWN_SENTINELS
