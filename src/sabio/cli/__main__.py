"""``python -m sabio.cli``."""

from sabio.cli import main

main()
