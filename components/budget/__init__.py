"""Budget capability: the stack's monthly cost limit as a cloud budget with alerts."""
