"""`python -m planner <stack>`: the offline plan (see planner/cli.py)."""

import gc
import os
import sys

from planner.cli import main

# Collect young objects every 50,000 allocations instead of 700. A plan allocates millions of
# short-lived objects and few cycles; with the default, each full collection re-scans everything
# recorded so far, so plan time grew faster than the stack (measured with `./tasks bench`).
# Set here, not in main(), because it is process-wide: tests call main() in their own process.
gc.set_threshold(50_000, 50, 100)

try:
    sys.exit(main())
except BrokenPipeError:  # `./tasks plan dev | head`: the reader left before the verdict
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(141)  # as a process killed by SIGPIPE: no traceback, and no false "passed"
