"""Pieces the Alibaba Cloud components share (data tier: whitelists, KMS keys, passwords)."""
