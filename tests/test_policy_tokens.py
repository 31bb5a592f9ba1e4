"""Every type token a rule names exists in the pinned provider SDKs (a typo would make a rule
silently match nothing)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from policies.guardrails import RULES
from policies.guardrails.platform import AWS_TAGGABLE
from policies.guardrails.pricing import PRICERS, catalogue

PACKAGES = {"aws": "pulumi_aws", "alicloud": "pulumi_alicloud", "kubernetes": "pulumi_kubernetes"}
DEPRECATED_ALIBABA = {  # named on purpose by alicloud-no-deprecated-types; absent from pulumi-alicloud 4.x
    "alicloud:vpc/subnet:Subnet",
    "alicloud:cdn/domain:Domain",
    "alicloud:cs/kubernetes:Kubernetes",
    "alicloud:cs/edgeKubernetes:EdgeKubernetes",
    "alicloud:cs/serverlessKubernetes:ServerlessKubernetes",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _module_file(token: str) -> Path | None:
    provider, module, kind = token.split(":")
    spec = importlib.util.find_spec(PACKAGES[provider])
    assert spec is not None and spec.origin is not None
    root = Path(spec.origin).parent
    path, _, _ = module.partition("/")
    resource = module.split("/", 1)[1]
    if provider == "kubernetes":
        group = path.split(".")[0] if path not in ("core",) else "core"
        version = resource
        candidate = root / group.replace("-", "_") / version / f"{kind}.py"
        return candidate if candidate.exists() else None
    candidate = root / path / f"{_snake(resource)}.py"
    return candidate if candidate.exists() else None


def _tokens() -> list[str]:
    found = {t for r in RULES for t in r.types if ":" in t and not t.endswith("*")}
    found |= (
        set(AWS_TAGGABLE) | set(PRICERS) | set(catalogue()["usageBased"]) | set(catalogue()["free"])
    )
    return sorted(t for t in found if t.split(":")[0] in PACKAGES and t not in DEPRECATED_ALIBABA)


@pytest.mark.parametrize("token", _tokens())
def test_token_exists_in_the_pinned_sdk(token: str) -> None:
    path = _module_file(token)
    assert path is not None, f"{token}: no module file in the SDK"
    assert f"'{token}'" in path.read_text() or f'"{token}"' in path.read_text(), token
