import sys

from asskomm.cli.main import main

sys.exit(main())
