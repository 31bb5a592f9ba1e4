"""Reusable Pulumi component resources. They know nothing about environments or stacks: each takes
one typed, frozen args object with secure defaults and gets its providers from the caller."""
