"""One layer contract: each layer returns typed handles to its components plus its exports, so a
later layer (monitoring, DR) attaches to the objects an earlier one built."""

from __future__ import annotations

import inspect

import pytest

from components.backup.aws import BackupPlan
from components.cdn.aws import Cdn
from components.kubernetes.aws_eks import EksCluster
from components.kubernetes.platform.workload import Workload
from components.network.aws import Vpc
from components.postgres.aws import PostgresHa
from components.redis.aws import RedisHa
from components.storage.aws import Bucket
from infra.build import AwsPlatform, build, compose_aws
from infra.layers import apps, cost, data, kubernetes, network, storage
from tests.conftest import run_mocked, stack_config


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_component_is_reachable_from_the_handles(stack: str) -> None:
    cfg = stack_config(stack)
    handles: list[AwsPlatform] = []
    run_mocked(lambda: handles.append(compose_aws(cfg)), stack=stack)
    [platform] = handles
    assert isinstance(platform.network.vpc, Vpc)
    assert platform.kubernetes is not None and isinstance(platform.kubernetes.cluster, EksCluster)
    # What monitoring attaches alarms to, and what DR replicates.
    assert isinstance(platform.data.postgres, PostgresHa)
    assert isinstance(platform.data.cache, RedisHa)
    assert isinstance(platform.data.backup, BackupPlan)
    assert isinstance(platform.storage.cdn, Cdn)
    assert set(platform.storage.buckets) == {"assets", "uploads", "backups"}
    assert all(isinstance(b, Bucket) for b in platform.storage.buckets.values())
    assert isinstance(platform.storage.log_bucket, Bucket)
    assert platform.apps is not None
    assert all(isinstance(w, Workload) for w in platform.apps.workloads.values())
    assert platform.data.ports == {"postgres": (5432, 5432), "redis": (6379, 6379)}


def test_the_stack_outputs_are_the_layers_exports() -> None:
    cfg = stack_config("dev")
    handles: list[AwsPlatform] = []
    outputs: dict[str, object] = {}
    run_mocked(lambda: handles.append(compose_aws(cfg)), stack="dev")
    run_mocked(lambda: outputs.update(build(cfg)), stack="dev")
    assert set(handles[0].exports(cfg)) == set(outputs)
    assert {"postgresWriterEndpoint", "cachePort", "clusterName", "assetsBucketName",
            "cdnDomainName", "vpcId", "appImages"} <= set(outputs)  # fmt: skip


def test_without_a_cluster_the_data_tier_admits_the_private_subnets_by_zone() -> None:
    cfg = stack_config("dev", cluster={"enabled": False}, apps={})
    handles: list[AwsPlatform] = []
    run_mocked(lambda: handles.append(compose_aws(cfg)), stack="dev")
    [platform] = handles
    assert platform.kubernetes is None and platform.apps is None
    assert platform.data.clients.security_groups == {}
    assert set(platform.data.clients.cidrs) == {"private-eu-west-1a", "private-eu-west-1b"}


@pytest.mark.parametrize("module", [network, cost, kubernetes, data, storage, apps])
def test_every_layer_takes_the_config_first_and_options_last(module: object) -> None:
    params = list(inspect.signature(module.layer).parameters)  # type: ignore[attr-defined]
    assert params[0] == "cfg" and params[-1] == "opts"
