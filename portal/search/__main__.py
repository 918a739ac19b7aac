import sys

from portal.search.cli import main

sys.exit(main())
