import sys

from outings.cli import main

sys.exit(main())
