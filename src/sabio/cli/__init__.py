"""The ``sabio`` command line."""

from sabio.cli._app import app, main

__all__ = ["app", "main"]
