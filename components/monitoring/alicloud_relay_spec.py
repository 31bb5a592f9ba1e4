"""The Alibaba relay's alarm keys (alicloud_relay.py), apart: config checks overrides SDK-free."""

from __future__ import annotations

KEYS = ("delivery-failed",)
