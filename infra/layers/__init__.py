"""One module per layer of the stack; `infra.build` composes them in order."""
