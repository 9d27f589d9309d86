import sys

from asskomm.cli import main

sys.exit(main())
