"""The offline plan: run the real Pulumi program for a stack under Pulumi's mock runtime, the way
the Python language host runs it, and report what it would create."""
