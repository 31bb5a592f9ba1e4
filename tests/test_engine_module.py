"""The engine wrapper module (engine/go.mod) and what the README says about it stay in step.
Runs without Go: it reads files only."""

from __future__ import annotations

import re

from tests.conftest import PROJECT_DIR

GO_MOD = (PROJECT_DIR / "engine" / "go.mod").read_text()


def pinned(module: str) -> str:
    found = re.findall(rf"^\s*{re.escape(module)} (v[0-9.]+)\b", GO_MOD, re.MULTILINE)
    assert len(found) == 1, f"{module} pinned {len(found)} times in engine/go.mod"
    return found[0]


def test_cli_and_sdk_are_pinned_to_one_version_the_readme_names() -> None:
    version = pinned("github.com/pulumi/pulumi/pkg/v3")
    assert pinned("github.com/pulumi/pulumi/sdk/v3") == version
    readme = (PROJECT_DIR / "README.md").read_text()
    assert f"The version built is **{version}**" in readme
    wanted = (PROJECT_DIR / ".pulumi.version").read_text().strip()
    assert f"`.pulumi.version` says {wanted}" in readme


def test_upstream_replace_directives_are_repeated() -> None:
    # Go ignores a dependency's replace directives; these are pkg/v3's and sdk/v3's own.
    assert "github.com/atotto/clipboard => github.com/tgummerer/clipboard" in GO_MOD
    assert "golang.org/x/text => golang.org/x/text" in GO_MOD
    assert "tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi" in GO_MOD
