"""Lets ``python -m workshop`` run the CLI."""

import sys

from workshop.cli import main

sys.exit(main())
