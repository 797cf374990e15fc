"""CPU slots now live in :mod:`sabio.backends._slots`, shared by training and transform jobs."""

from __future__ import annotations

from sabio.backends._slots import SlotReservation

__all__ = ["SlotReservation"]
