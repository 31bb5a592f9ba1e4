"""`python -m planner <stack>`: the offline plan (see planner/cli.py)."""

import sys

from planner.cli import main

sys.exit(main())
