"""Posting one notification to its chat targets: the part both clouds' entry points share
(handler.py on AWS Lambda, alicloud_handler.py on Function Compute). `post` is passed in, so this
is tested without the network; `http_post` is the real one."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .format import CHAT_KINDS, ChatKind, Notification, delivery_error, dingtalk_signed_url, payload

TIMEOUT_SECONDS = 10
Post = Callable[[str, bytes], tuple[int, str]]


class RelayError(Exception):
    """Some posts failed (the platform retries the invocation)."""


def post_note(
    note: Notification, targets: Sequence[Mapping[str, Any]], post: Post, *, now_ms: int
) -> tuple[list[str], list[str]]:
    """Post `note` to every target in its chat's format: (names delivered to, failures). A
    failure names the target and why, never its URL."""
    delivered, failed = [], []
    for target in targets:
        kind: ChatKind = target["kind"]
        if kind not in CHAT_KINDS:
            failed.append(f"{target['name']}: unknown kind {kind}")
            continue
        url = str(target["url"])
        if kind == "dingtalk" and target.get("secret"):
            url = dingtalk_signed_url(url, str(target["secret"]), now_ms)
        status, body = post(url, json.dumps(payload(kind, note)).encode())
        error = delivery_error(kind, status, body)
        if error is None:
            delivered.append(str(target["name"]))
        else:
            failed.append(f"{target['name']} ({kind}): {error}")
    return delivered, failed


def http_post(url: str, body: bytes) -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310  (https URLs from the stack's encrypted targets only)
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status), response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode(errors="replace")
    except urllib.error.URLError as error:
        return 0, str(error.reason)
