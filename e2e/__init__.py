"""End-to-end run of the real Pulumi engine against the local fake cloud (`./tasks e2e`)."""
