"""`python -m sandbox`: the same as `intervyo-mcp sandbox`."""

import sys

from sandbox.cli import main

sys.exit(main())
