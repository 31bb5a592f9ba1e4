"""The CrossGuard policy pack. `policies.guardrails` holds the rules; only `__main__.py` builds the
pack (its constructor starts a gRPC server and blocks)."""
