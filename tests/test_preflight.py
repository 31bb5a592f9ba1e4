"""Config rejects first what a component would reject (infra/preflight.py).

The enumeration is by source: every `require(...)` and `raise` in components/** must sit in a
component validator that the config runs on the args its layer builds (or in a helper such a
validator calls), unless it is listed below as a check of values only the cloud knows.
"""

from __future__ import annotations

import ast
import copy
import re
from pathlib import Path
from typing import Any

import pulumi
import pytest

from infra import ConfigError, parse_config
from infra.config import AlicloudStackConfig, AwsStackConfig
from infra.layers import kubernetes
from infra.preflight import Check, checks
from infra.preflight_alicloud import checks as alicloud_checks
from planner.cli import EXIT_CONFIG, main
from tests.conftest import PROJECT_DIR, raw_stack_config, run_mocked

COMPONENTS = PROJECT_DIR / "components"

NOT_FROM_CONFIG = {
    (
        "aws/certificates.py",
        "validation_option",
    ): "ACM's answer for a domain, known only at deploy time",
    ("aws/s3_policies.py", "bucket_policy"): "statements code grants (the CDN's origin access), "
    "checked when their Output resolves; config grants none",
    ("network/aws.py", "_flow_logs"): "a type narrowing: only called when flow_logs is set",
    ("network/alicloud.py", "_flow_logs"): "a type narrowing: only called when flow_logs is set",
    ("aws/data_tier.py", "client_security_group"): "client names come from code (cluster-nodes, "
    "private-<zone>), not config",
    ("redis/rotation_handler.py", "rotate"): "the rotation Lambda's own code: it checks what "
    "Secrets Manager asks at run time, not config",
    ("monitoring/relay/handler.py", "relay"): "the alert relay Lambda's own code: a failed post "
    "at run time (raised so Lambda retries), not config",
    ("monitoring/relay/alicloud_handler.py", "relay"): "the alert relay function's own code "
    "(Function Compute): a failed post at run time (raised so it retries), not config",
    ("redis/rotation_handler.py", "check_secret"): "the rotation Lambda's own code: it checks the "
    "stored secret's shape at run time, not config",
}
"""(module, function) whose checks are not about config values, and why."""
OTHER_PROJECTS = {"account/": "the account bootstrap (bootstrap/, its own project and config)"}
"""Component folders the platform stack does not build."""
NOT_WIRED_YET: dict[str, str] = {}
"""Component modules no layer imports yet (a test holds that true, so the entry cannot go stale)."""


Key = tuple[str, str]
"""(module path under components/, function name)."""


def _module_key(module: str) -> str:
    path = module.removeprefix("components.").replace(".", "/")
    return f"{path}/__init__.py" if (COMPONENTS / path).is_dir() else f"{path}.py"  # a package


def _imports(tree: ast.Module) -> dict[str, Key]:
    """Names a module imports from components/, resolved to their functions."""
    return {
        alias.asname or alias.name: (_module_key(node.module), alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("components.")
        for alias in node.names
    }


def _functions() -> tuple[dict[Key, ast.FunctionDef], dict[Key, set[Key]]]:
    """Every function of components/, and the component functions each calls (resolved through
    its module's own definitions and imports)."""
    found: dict[Key, ast.FunctionDef] = {}
    scopes: dict[str, dict[str, Key]] = {}
    for path in COMPONENTS.rglob("*.py"):
        module = str(path.relative_to(COMPONENTS))
        tree = ast.parse(path.read_text())
        scope = _imports(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                found[(module, node.name)] = node
                scope.setdefault(node.name, (module, node.name))
        scopes[module] = scope
    calls = {
        key: {scopes[key[0]][n] for n in _calls(node) if n in scopes[key[0]]}
        for key, node in found.items()
    }
    return found, calls


def _called_by_config() -> set[Key]:
    """Component functions the config's own checks import (infra/config.py, infra/sections/)."""
    files = [
        PROJECT_DIR / "infra" / "config.py",
        *(PROJECT_DIR / "infra" / "sections").glob("*.py"),
    ]
    return {key for path in files for key in _imports(ast.parse(path.read_text())).values()}


def _checks_in(node: ast.FunctionDef) -> list[int]:
    """Lines of the refusals in a function: `require(...)` calls, `raise`, `assert`."""
    lines = []
    for sub in ast.walk(node):
        call = isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name)
        if (call and sub.func.id == "require") or isinstance(sub, ast.Raise | ast.Assert):  # type: ignore[union-attr]
            lines.append(sub.lineno)
    return lines


def _calls(node: ast.FunctionDef) -> set[str]:
    return {
        sub.func.id if isinstance(sub.func, ast.Name) else sub.func.attr
        for sub in ast.walk(node)
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name | ast.Attribute)
    }


def _everything_on() -> list[AwsStackConfig]:
    """Configs that between them build every component (alternatives such as a serverless
    cache replace another component, so one config cannot)."""
    raw = copy.deepcopy(raw_stack_config("prod"))
    raw["postgres"] = {"readerAutoscaling": {"enabled": True}}
    raw["logs"] = {"search": {"enabled": True,
                              "masterRoleArn": "arn:aws:iam::123456789012:role/platform-admin"}}  # fmt: skip
    # A chat webhook: the alert relay.
    alerting = raw["alerting"]
    raw["alerting"] = {**alerting, "webhooks": {"chat": {"kind": "wecom", "url": "https://x.example/k"}},
                       "severities": {**alerting["severities"], "P3": {"webhooks": ["chat"]}}}  # fmt: skip
    rds = {"engine": "postgres", "readers": 1, "serverless": None, "instanceClass": "db.m7g.large"}
    configs = [
        parse_config(raw),
        parse_config({**raw, "redis": {"serverless": {}}}),
        # The DR options: the RDS engine's cross-region replica, the cache's Global Datastore.
        parse_config({**raw, "postgres": rds, "dr": {**raw["dr"], "postgres": "warm"}}),
        parse_config({**raw, "redis": {"nodeType": "cache.m7g.large"},
                      "dr": {**raw["dr"], "cache": "replicated", "compute": "warm",
                             "network": {**raw["dr"]["network"], "nat": "single"}}}),
    ]  # fmt: skip
    assert all(isinstance(cfg, AwsStackConfig) for cfg in configs)
    return configs  # type: ignore[return-value]


def _alicloud_everything_on() -> AlicloudStackConfig:
    """The Alibaba Cloud prod stack with everything built there so far (and a WeCom robot on
    P1, which the alert relay serves)."""
    raw = copy.deepcopy(raw_stack_config("prod-cn"))
    alerting = raw["alerting"]
    alerting["webhooks"] = {"wx": {"kind": "wecom", "url": "https://qyapi.weixin.qq.com/x?key=k"}}
    alerting["severities"]["P1"]["webhooks"] = ["wx"]
    cfg = parse_config(raw)
    assert isinstance(cfg, AlicloudStackConfig)
    return cfg


def _alicloud_polardb() -> AlicloudStackConfig:
    """The dev stack with the PolarDB option instead of ApsaraDB RDS (prod refuses it: it emits
    no alarms yet)."""
    raw = copy.deepcopy(raw_stack_config("dev-cn"))
    raw["postgres"] = {**raw.get("postgres", {}), "polardb": {}, "readers": 1}
    cfg = parse_config(raw)
    assert isinstance(cfg, AlicloudStackConfig)
    return cfg


def _all_checks() -> list[Check]:
    aws = [c for cfg in _everything_on() for c in checks(cfg)]
    ali = [
        c for cfg in (_alicloud_everything_on(), _alicloud_polardb()) for c in alicloud_checks(cfg)
    ]
    return [*aws, *ali]


def test_every_component_refusal_is_run_by_the_config_first() -> None:
    functions, calls = _functions()
    validators = {(_module_key(c.validator.__module__), c.validator.__name__)
                  for c in _all_checks()}  # fmt: skip
    # What the config runs, and every component function those call, transitively.
    reached: set[Key] = set()
    todo = [*validators, *_called_by_config()]
    while todo:
        key = todo.pop()
        if key not in reached and key in functions:
            reached.add(key)
            todo += calls[key]
    unreached = {
        f"{module}:{name} (lines {lines})"
        for (module, name), node in functions.items()
        if (lines := _checks_in(node))
        and (module, name) not in reached | NOT_FROM_CONFIG.keys()
        and not module.startswith((*OTHER_PROJECTS, *NOT_WIRED_YET))
    }
    assert not unreached, "refusals the config does not run first"
    assert NOT_FROM_CONFIG.keys() <= functions.keys() - reached, (
        "NOT_FROM_CONFIG lists a checked function"
    )
    # One per kind of component (data_tier, windows: helpers), on each cloud.
    assert len(validators) == 46


def test_every_component_of_a_full_alicloud_stack_is_checked() -> None:
    names = {c.component for c in alicloud_checks(_alicloud_everything_on())}
    assert names == {
        "Vpc", "AckCluster", "PlatformBaseline", "PlatformAddons", "Workload web", "PostgresHa",
        "RedisHa", "Bucket logs", "Bucket assets", "Bucket uploads", "Bucket backups", "Cdn",
        "AlertContacts", "Vpc dr", "Bucket dr-logs", "ReplicationRole", "Bucket assets replica",
        "Bucket uploads replica", "Bucket backups replica", "LogProject app-logs", "ContainerLogs",
        "MonitoringStack", "PublicGateway", "AlertMailSender", "WebFirewall", "KeyStore",
        "AlertRelay",
    }  # fmt: skip


def test_modules_not_wired_yet_are_imported_by_no_layer() -> None:
    infra = Path(__file__).resolve().parent.parent / "infra"
    wiring = [*sorted((infra / "layers").rglob("*.py")), infra / "build.py"]
    modules = {"components." + m.removesuffix(".py").replace("/", ".").rstrip(".")
               for m in NOT_WIRED_YET}  # fmt: skip
    importing = [
        f"{path.name}: {m}"
        for path in wiring
        for m in modules
        if re.search(rf"^\s*(from|import) {re.escape(m)}\b", path.read_text(), re.M)
    ]
    assert importing == [], "a wired module: drop it from NOT_WIRED_YET"


def test_every_component_of_a_full_stack_is_checked() -> None:
    nodes, serverless, rds, replicated = ({c.component for c in checks(cfg)}
                                          for cfg in _everything_on())  # fmt: skip
    assert nodes == {
        "Vpc", "Bucket logs", "Bucket assets", "Bucket uploads", "Bucket backups", "Cdn",
        "WebFirewall", "BackupPlan", "PostgresHa", "RedisHa", "EksCluster", "PlatformBaseline",
        "PlatformAddons", "Workload web", "MonthlyBudget", "AlertTopics", "Vpc dr",
        "RecoveryObjectives", "Bucket dr logs", "BackupVault dr", "Bucket assets replica",
        "Bucket uploads replica", "Bucket backups replica", "Replication", "GlobalSecondary",
        "ApiEdge", "FailoverRecords", "Registry", "ClusterTelemetry", "EntryHealth", "LogSearch",
        "MonitoringStack", "PublicGateway", "AlertRelay",
    }  # fmt: skip
    assert serverless == nodes - {"RedisHa"} | {"RedisServerless"}
    assert rds == nodes - {"GlobalSecondary"} | {"CrossRegionReplica"}
    assert replicated == nodes | {"GlobalDatastore", "EksCluster dr"}


def _with(stack: str, **sections: dict[str, Any]) -> dict[str, Any]:
    raw = copy.deepcopy(raw_stack_config(stack))
    for key, values in sections.items():
        raw[key] = {**raw.get(key, {}), **values}
    return raw


def _refusal(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    return caught.value.problems


def _component_message(build: Any) -> str:
    """What the component itself says when it is constructed (as `pulumi up` would)."""
    with pytest.raises(ValueError, match=r".") as caught:
        run_mocked(build)
    return str(caught.value).partition(": ")[2]


def test_a_platform_namespace_as_workload_namespace_is_refused_with_the_components_words() -> None:
    raw = _with("prod", platform={"ingressNamespace": "apps"})
    (problem,) = _refusal(raw)
    cfg = parse_config(raw_stack_config("prod"))
    assert isinstance(cfg, AwsStackConfig)
    bad = cfg.model_copy(
        update={"platform": cfg.platform.model_copy(update={"ingress_namespace": "apps"})}
    )

    def build() -> None:
        kubernetes.baseline(bad, pulumi.ResourceOptions())

    assert problem == f"groundwork:platform.namespaces: {_component_message(build)}"
    assert "are platform namespaces" in problem


@pytest.mark.parametrize(
    ("stack", "platform", "line"),
    [
        # Two add-ons in one namespace: the baseline would create it twice (duplicate URN, exit 3).
        ("prod", {"ingressNamespace": "monitoring"},
         "groundwork:platform.ingressNamespace: duplicate names in ['monitoring', 'cert-manager', "
         "'monitoring']"),
        ("prod-cn", {"monitoringNamespace": "cert-manager"},
         "groundwork:platform.ingressNamespace: duplicate names in ['gateway', 'cert-manager', "
         "'cert-manager']"),
        # Kubernetes' own namespaces already exist: creating them fails at deploy time.
        ("prod", {"ingressNamespace": "kube-system"},
         "groundwork:platform.ingressNamespace: ['kube-system'] exist in every cluster"),
        ("dev-cn", {"monitoringNamespace": "kube-public"},
         "groundwork:platform.ingressNamespace: ['kube-public'] exist in every cluster"),
    ],
)  # fmt: skip
def test_platform_namespaces_are_distinct_and_not_kubernetes_own(
    stack: str, platform: dict[str, Any], line: str
) -> None:
    assert line in _refusal(_with(stack, platform=platform))[0]


@pytest.mark.parametrize(
    ("stack", "sections", "line"),
    [
        ("dev", {"postgres": {"masterUsername": "admin"}}, "groundwork:postgres.masterUsername: 'admin' is reserved"),
        ("prod", {"platform": {"ingressNamespace": "apps"}}, "groundwork:platform.namespaces: ['apps'] are platform namespaces"),
    ],
)  # fmt: skip
def test_component_refusals_exit_2_naming_the_key(
    stack: str, sections: dict[str, Any], line: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    import yaml

    text = (PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text()
    data = yaml.safe_load(text)
    for key, values in sections.items():
        data["config"][f"groundwork:{key}"] = {
            **data["config"].get(f"groundwork:{key}", {}),
            **values,
        }
    project = tmp_path / "project"
    import shutil

    shutil.copytree(PROJECT_DIR, project, ignore=shutil.ignore_patterns(
        ".venv*", ".git", "out", "__pycache__", "tests", "docs"))  # fmt: skip
    (project / "Pulumi.case.yaml").write_text(yaml.safe_dump(data))
    code = main(["case", "--project-dir", str(project), "--quiet"])
    err = capsys.readouterr().err
    assert code == EXIT_CONFIG, err
    assert f"error: Pulumi.case.yaml: {line}" in err
    assert "Traceback" not in err
