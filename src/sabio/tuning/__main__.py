"""``python -m sabio.tuning <tuning-job-folder>``: run a tuning job's supervisor."""

import sys

from sabio.tuning._supervisor import main

if __name__ == "__main__":
    sys.exit(main())
