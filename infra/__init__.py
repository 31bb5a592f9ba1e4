"""Stack composition: typed config in, components wired to explicit providers out.

`build` is imported on first use (PEP 562): validating a stack's config needs neither the
components nor the cloud SDKs, so a refused config costs no SDK import.
"""

from typing import TYPE_CHECKING, Any

from infra.config import ConfigError, StackConfig, load_config, parse_config

if TYPE_CHECKING:
    from infra.build import build

__all__ = ["ConfigError", "StackConfig", "build", "load_config", "parse_config"]


def __getattr__(name: str) -> Any:
    if name == "build":
        from infra.build import build  # noqa: PLC0415

        return build
    raise AttributeError(f"module 'infra' has no attribute {name!r}")
