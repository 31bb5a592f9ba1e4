"""`python -m planner <stack>`: the offline plan (see planner/cli.py)."""

import os
import sys

from planner.cli import main

try:
    sys.exit(main())
except BrokenPipeError:  # `./tasks plan dev | head`: the reader left before the verdict
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(141)  # as a process killed by SIGPIPE: no traceback, and no false "passed"
