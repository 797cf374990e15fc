"""``python -m sabio``."""

from sabio.cli import main

main()
