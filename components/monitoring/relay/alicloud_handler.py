"""Function Compute 3.0 entry point of the alert relay on Alibaba Cloud (format.py says what it
posts, deliver.py how).

CloudMonitor invokes the function directly (an alarm rule's target is its ARN) with the rule's
callback JSON. The in-cluster Alertmanager posts its webhook JSON to the function's HTTP trigger,
reachable from the stack's VPC only, with a bearer token; its `receiver` is the severity. The
targets (webhook URLs, DingTalk signing secrets) and the token are never in clear in the
function's configuration: its environment holds them as a KMS ciphertext (the stack encrypted
them with its key), which the function decrypts with its role's temporary credentials:

    {"severities": {"P1": [{"name": "wx", "kind": "wecom", "url": "https://..."}]},
     "cluster": {"P1": [...the chats Alertmanager cannot post to...]}, "token": "..."}

A failed post raises after every target was tried, so Function Compute retries the asynchronous
invocation; a chat may see a message twice, never zero times silently.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping
from typing import Any

from .deliver import Post, RelayError, http_post, post_note
from .format import is_cloudmonitor_alarm, parse_alertmanager_webhook, parse_cloudmonitor

TARGETS_ENV = "RELAY_TARGETS_CIPHERTEXT"
REGION_ENV = "RELAY_KMS_REGION"
CACHE_SECONDS = 300
"""The decrypted targets are kept this long in a warm instance."""
KMS_API_VERSION = "2016-01-20"
_SEVERITY_SUFFIX = re.compile(r"-(P[0-3])$")
_cache: dict[str, tuple[float, Mapping[str, Any]]] = {}


def handler(event: bytes, context: Any) -> str | dict[str, Any]:
    creds = context.credentials
    routes = _routes(
        os.environ[TARGETS_ENV],
        os.environ.get(REGION_ENV) or context.region,
        (creds.access_key_id, creds.access_key_secret, creds.security_token),
    )
    message = json.loads(event)
    now_ms = int(time.time() * 1000)
    if is_http_request(message):
        return serve_alertmanager(message, routes, http_post, now_ms=now_ms)
    delivered = relay(message, routes, http_post, now_ms=now_ms)
    return json.dumps({"delivered": len(delivered)})


def is_http_request(event: Mapping[str, Any]) -> bool:
    """An HTTP trigger's event (FC 3.0: `requestContext`, `headers`, `body`), not an alarm."""
    return "requestContext" in event and "headers" in event


def serve_alertmanager(
    request: Mapping[str, Any], routes: Mapping[str, Any], post: Post, *, now_ms: int
) -> dict[str, Any]:
    """Answer one Alertmanager webhook request: 401 without the bearer token, 400 for what is not
    a message of a severity with chats, 502 naming the chats that failed (Alertmanager retries),
    200 when every chat took it."""
    headers = {str(k).lower(): str(v) for k, v in (request.get("headers") or {}).items()}
    expected = f"Bearer {routes.get('token', '')}"
    if not routes.get("token") or not hmac.compare_digest(
        headers.get("authorization", ""), expected
    ):
        return _answer(401, "a bearer token is required")
    body = request.get("body") or ""
    if request.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    try:
        message = json.loads(body)
    except ValueError:
        return _answer(400, "not JSON")
    severity = str(message.get("receiver", "")) if isinstance(message, Mapping) else ""
    targets = routes.get("cluster", {}).get(severity)
    if not targets:
        return _answer(400, f"receiver {severity!r} has no chat of this relay")
    note = parse_alertmanager_webhook(message, severity)
    delivered, failed = post_note(note, targets, post, now_ms=now_ms)
    if failed:
        return _answer(502, "; ".join(failed))
    return _answer(200, f"delivered to {', '.join(delivered)}")


def _answer(status: int, text: str) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": "text/plain"}, "body": text}


def relay(
    alarm: Mapping[str, Any], routes: Mapping[str, Any], post: Post, *, now_ms: int
) -> list[str]:
    """Post one CloudMonitor alarm to its severity's targets; the names delivered to. Raises
    RelayError naming each failed target (never its URL) after trying them all."""
    if not is_cloudmonitor_alarm(alarm):
        raise RelayError("not a CloudMonitor alarm callback (no alertName/alertState)")
    severity = alarm_severity(alarm)
    targets = routes["severities"].get(severity or "")
    if not targets:
        raise RelayError(
            f"alarm {alarm.get('alertName')!r}: severity {severity} has no chat target"
        )
    delivered, failed = post_note(
        parse_cloudmonitor(alarm, severity or ""), targets, post, now_ms=now_ms
    )
    if failed:
        raise RelayError("; ".join(failed))
    return delivered


def alarm_severity(alarm: Mapping[str, Any]) -> str | None:
    """The severity: the alarm target's `json_params` `severity` when CloudMonitor passes it, else
    the suffix every alarm rule of the stack carries in its name (`<name>-<key>-P1`)."""
    given = alarm.get("severity")
    if isinstance(given, str) and given:
        return given
    match = _SEVERITY_SUFFIX.search(str(alarm.get("alertName") or ""))
    return match.group(1) if match else None


def rpc_signature(method: str, params: Mapping[str, str], secret: str) -> str:
    """Alibaba Cloud RPC signature version 1.0: HMAC-SHA1 over the sorted, RFC 3986 encoded
    query, keyed with the secret and '&'."""
    canonical = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{_encode('/')}&{_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def decrypt_request(
    ciphertext: str, region: str, credentials: tuple[str, str, str], *, nonce: str, timestamp: str
) -> tuple[str, bytes]:
    """The signed KMS `Decrypt` call (URL, form body) for `ciphertext`."""
    key_id, secret, token = credentials
    params = {
        "Action": "Decrypt", "CiphertextBlob": ciphertext, "Format": "JSON",
        "Version": KMS_API_VERSION, "AccessKeyId": key_id, "SecurityToken": token,
        "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "SignatureNonce": nonce,
        "Timestamp": timestamp,
    }  # fmt: skip
    params["Signature"] = rpc_signature("POST", params, secret)
    return f"https://kms.{region}.aliyuncs.com/", urllib.parse.urlencode(params).encode()


def _routes(ciphertext: str, region: str, credentials: tuple[str, str, str]) -> Mapping[str, Any]:
    cached = _cache.get(ciphertext)
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    url, body = decrypt_request(
        ciphertext, region, credentials, nonce=str(uuid.uuid4()),
        timestamp=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    )  # fmt: skip
    request = urllib.request.Request(  # noqa: S310  (the region's KMS endpoint)
        url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        value: Mapping[str, Any] = json.loads(json.loads(response.read())["Plaintext"])
    _cache[ciphertext] = (time.monotonic(), value)
    return value


def _encode(value: str) -> str:
    return urllib.parse.quote(value, safe="~")
