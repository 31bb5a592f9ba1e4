"""The AWS alert relay's alarm keys (aws_relay.py), apart: config checks overrides SDK-free."""

from __future__ import annotations

KEYS = ("delivery-failed",)
