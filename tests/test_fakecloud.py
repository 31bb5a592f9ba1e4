"""The fake cloud provider over real gRPC: create/read/update/delete against its state directory,
diff decides replace vs update from the replacement table, unknown types and invokes fail."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from concurrent import futures
from importlib import metadata
from pathlib import Path
from typing import Any

import grpc  # type: ignore[import-untyped]
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from fakecloud.provider import PACKAGES, FakeProvider, to_dict, to_struct
from fakecloud.store import STATE_ENV, Store
from planner import fake_cloud, replacement

SUBNET = "aws:ec2/subnet:Subnet"
URN = f"urn:pulumi:dev::groundwork::groundwork:aws/network:Vpc${SUBNET}::acme-dev-private-a"
INPUTS = {"vpcId": "vpc-1", "cidrBlock": "10.0.0.0/20", "availabilityZone": "eu-west-1a"}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "cloud")


@pytest.fixture
def aws(store: Store) -> Iterator[Any]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(FakeProvider("aws", store), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    stub = provider_pb2_grpc.ResourceProviderStub(channel)
    stub.Configure(provider_pb2.ConfigureRequest(args=to_struct({"region": "eu-west-1"})))
    yield stub
    channel.close()
    server.stop(None)


def create(aws: Any, inputs: dict[str, Any] = INPUTS) -> Any:
    return aws.Create(provider_pb2.CreateRequest(urn=URN, properties=to_struct(inputs)))


def test_create_answers_from_fake_cloud_and_keeps_the_resource(aws: Any, store: Store) -> None:
    created = create(aws)
    expected_id, expected = fake_cloud.fake_outputs(
        SUBNET, "acme-dev-private-a", INPUTS, "eu-west-1"
    )
    assert created.id == expected_id
    assert to_dict(created.properties) == expected
    [record] = store.all()
    assert (record.type, record.id, record.inputs) == (SUBNET, expected_id, INPUTS)


def test_preview_create_leaves_the_cloud_untouched(aws: Any, store: Store) -> None:
    created = aws.Create(
        provider_pb2.CreateRequest(urn=URN, properties=to_struct(INPUTS), preview=True)
    )
    assert created.id == ""
    assert list(store.all()) == []


def test_read_returns_the_stored_state_and_an_empty_id_once_deleted(aws: Any) -> None:
    rid = create(aws).id
    read = aws.Read(provider_pb2.ReadRequest(id=rid, urn=URN))
    assert (read.id, to_dict(read.inputs)) == (rid, INPUTS)
    aws.Delete(provider_pb2.DeleteRequest(id=rid, urn=URN))
    assert aws.Read(provider_pb2.ReadRequest(id=rid, urn=URN)).id == ""


def test_update_changes_the_stored_inputs_in_place(aws: Any, store: Store) -> None:
    rid = create(aws).id
    news = {**INPUTS, "tags": {"owner": "x"}}
    aws.Update(provider_pb2.UpdateRequest(id=rid, urn=URN, news=to_struct(news)))
    [record] = store.all()
    assert (record.id, record.inputs) == (rid, news)


def test_a_second_create_of_the_same_name_gets_its_own_id(aws: Any, store: Store) -> None:
    first, second = create(aws).id, create(aws).id  # create-before-replace
    assert first != second
    assert len(list(store.all())) == 2


def diff(aws: Any, new: dict[str, Any]) -> Any:
    return aws.Diff(
        provider_pb2.DiffRequest(id="x", urn=URN, old_inputs=to_struct(INPUTS), news=to_struct(new))
    )


def test_diff_reports_changed_inputs_and_replaces_only_for_forcing_ones(aws: Any) -> None:
    assert diff(aws, INPUTS).changes == provider_pb2.DiffResponse.DIFF_NONE
    tagged = diff(aws, {**INPUTS, "tags": {"a": "b"}})
    assert (list(tagged.diffs), list(tagged.replaces)) == (["tags"], [])
    moved = diff(aws, {**INPUTS, "availabilityZone": "eu-west-1b"})
    assert (list(moved.diffs), list(moved.replaces)) == (["availabilityZone"], ["availabilityZone"])
    unknown = diff(aws, {**INPUTS, "cidrBlock": replacement.UNKNOWN})
    assert list(unknown.replaces) == ["cidrBlock"]


def test_an_unknown_type_fails_naming_it(aws: Any) -> None:
    urn = "urn:pulumi:dev::groundwork::aws:foo/bar:Baz::x"
    with pytest.raises(grpc.RpcError) as err:
        aws.Check(provider_pb2.CheckRequest(urn=urn, news=to_struct({})))
    assert "aws:foo/bar:Baz" in err.value.details()


def test_invokes_answer_for_the_provider_region_and_unknown_ones_fail(aws: Any) -> None:
    region = aws.Invoke(provider_pb2.InvokeRequest(tok="aws:index/getRegion:getRegion"))
    assert to_dict(getattr(region, "return"))["name"] == "eu-west-1"
    with pytest.raises(grpc.RpcError) as err:
        aws.Invoke(provider_pb2.InvokeRequest(tok="aws:ec2/getAmi:getAmi"))
    assert "aws:ec2/getAmi:getAmi" in err.value.details()


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_each_plugin_launcher_serves_its_package(package: str, tmp_path: Path) -> None:
    """What the engine starts: fakecloud/bin/pulumi-resource-<package>, which prints its port."""
    launcher = Path(__file__).resolve().parent.parent / "fakecloud" / "bin"
    env = {**os.environ, STATE_ENV: str(tmp_path / "cloud")}
    with subprocess.Popen(
        [launcher / f"pulumi-resource-{package}"], stdout=subprocess.PIPE, text=True, env=env
    ) as plugin:
        try:
            assert plugin.stdout is not None
            port = int(plugin.stdout.readline())
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                stub = provider_pb2_grpc.ResourceProviderStub(channel)
                info = stub.GetPluginInfo(empty_pb2.Empty())
                assert info.version == metadata.version(PACKAGES[package])
                urn = f"urn:pulumi:dev::groundwork::{package}:foo/bar:Baz::x"
                with pytest.raises(grpc.RpcError) as err:
                    stub.Check(provider_pb2.CheckRequest(urn=urn, news=to_struct({})))
                assert f"{package}:foo/bar:Baz" in err.value.details()
        finally:
            plugin.terminate()


def test_the_alicloud_provider_answers_its_types_from_the_fake_cloud(store: Store) -> None:
    provider = FakeProvider("alicloud", store)
    provider.Configure(
        provider_pb2.ConfigureRequest(args=to_struct({"region": "cn-hangzhou"})), None
    )
    typ, name = "alicloud:kms/key:Key", "acme-ali-data-key"
    urn = f"urn:pulumi:ali::groundwork::{typ}::{name}"
    inputs = {"description": "data", "automaticRotation": "Enabled"}
    created = provider.Create(
        provider_pb2.CreateRequest(urn=urn, properties=to_struct(inputs)), None
    )
    expected_id, expected = fake_cloud.fake_outputs(typ, name, inputs, "cn-hangzhou")
    assert (created.id, to_dict(created.properties)) == (expected_id, expected)
    assert to_dict(created.properties)["arn"].startswith("acs:kms:cn-hangzhou:")
    [record] = store.all()
    assert (record.type, record.urn) == (typ, urn)
