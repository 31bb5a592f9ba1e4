"""Typed sections of the stack config, one module per concern (network, DR, ...)."""
