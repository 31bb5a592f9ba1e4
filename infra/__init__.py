"""Stack composition: typed config in, components wired to explicit providers out."""

from infra.build import build
from infra.config import ConfigError, StackConfig, load_config, parse_config

__all__ = ["ConfigError", "StackConfig", "build", "load_config", "parse_config"]
