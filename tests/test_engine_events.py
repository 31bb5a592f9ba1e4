"""Reading the engine's event log (e2e/state.py): what the policy pack did in an engine run."""

from __future__ import annotations

import json

from e2e.state import plain, policy_run

URN = "urn:pulumi:dev::groundwork::aws:s3/bucket:Bucket::logs"


def _log(*events: dict[str, object]) -> str:
    return "\n".join(json.dumps(e) for e in events) + "\n"


def test_findings_deferrals_and_analysed_resources_are_told_apart() -> None:
    run = policy_run(
        _log(
            {"sequence": 0, "policyLoadEvent": {}},
            {"policyAnalyzeSummaryEvent": {"resourceUrn": URN, "policyPackName": "pack"}},
            {"policyEvent": {"policyName": "bucket-tls", "resourceUrn": URN,
                             "message": "Buckets refuse plain HTTP. [high] no TLS-only policy"}},
            {"policyEvent": {"policyName": "bucket-public", "resourceUrn": URN,
                             "message": "can't run policy 'bucket-public' during preview: ..."}},
            {"policyEvent": {"policyName": "obs-alarms", "message": "no alarm"}},
            {"policyAnalyzeStackSummaryEvent": {"policyPackName": "pack", "passed": ["a"]}},
        )
    )  # fmt: skip
    assert run.packs == {"pack"}
    assert run.analysed == {URN}
    assert run.findings == {("bucket-tls", URN), ("obs-alarms", "")}
    assert run.deferred == {"bucket-public"}


def test_an_empty_log_shows_that_no_pack_ran() -> None:
    run = policy_run("")
    assert run.packs == set()
    assert run.analysed == set()


def test_assets_compare_without_the_hash_the_engine_adds() -> None:
    sig = "4dabf18193072939515e22adb298388d"
    text = {sig: "c44067f5952c0a294b673a41bacd8c17", "text": "x"}
    in_state = {sig: "0def7320c3a5731c473e5ecbe6d01bc7",
                "assets": {"handler.py": {**text, "hash": "2d71"}}, "hash": "9f1c"}  # fmt: skip
    assert plain(in_state) == {
        sig: "0def7320c3a5731c473e5ecbe6d01bc7",
        "assets": {"handler.py": text},
    }
    other = {"hash": "kept", "name": "a"}  # a plain map keeps its own `hash` key
    assert plain(other) == other
