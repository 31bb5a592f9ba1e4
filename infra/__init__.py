"""Stack composition: typed config in, components wired to explicit providers out.

The config (`infra.config`) is exported here; the composition is `infra.build.build`, not
imported here: validating a stack's config needs neither the components nor the cloud SDKs, so a
refused config costs no SDK import (tests/test_config_imports.py).
"""

from infra.config import ConfigError, StackConfig, load_config, parse_config

__all__ = ["ConfigError", "StackConfig", "load_config", "parse_config"]
