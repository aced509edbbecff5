"""`python -m server`: the same as the `intervyo-mcp` command."""

import sys

from server.cli import main

sys.exit(main())
