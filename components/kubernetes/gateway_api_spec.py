"""The platform's public Gateway's name: the preflight derives its proxies without the SDKs."""

from __future__ import annotations

PUBLIC_GATEWAY = "public"
"""The platform's internet-facing Gateway (in the ingress namespace)."""
