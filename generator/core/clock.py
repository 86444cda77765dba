"""The date a build is stamped with, read the way reproducible builds agree on."""

from __future__ import annotations

import datetime
import os

from generator.core.errors import UsageError
from generator.core.settings import BUILD_DATE_VARIABLE

EARLIEST = datetime.date(1980, 1, 1)
LATEST = datetime.date(2107, 12, 31)
"""A DOCX is a zip file, and zip entries carry dates from 1980 to 2107 only."""


def build_date() -> datetime.date:
    """The date a build is stamped with: `SOURCE_DATE_EPOCH` if set, else today.

    Fixing it makes output byte-for-byte reproducible.
    """
    epoch = os.environ.get(BUILD_DATE_VARIABLE)
    if epoch is None:
        return datetime.date.today()
    try:
        seconds = int(epoch)
    except ValueError:
        raise UsageError(f"{BUILD_DATE_VARIABLE}={epoch!r} is not a number of seconds since 1970") from None
    try:
        day = datetime.datetime.fromtimestamp(seconds, datetime.UTC).date()
    except (OverflowError, OSError, ValueError):
        day = None
    if day is None or not EARLIEST <= day <= LATEST:
        raise UsageError(
            f"{BUILD_DATE_VARIABLE}={epoch!r} is outside the dates a briefing can carry, "
            f"{EARLIEST} to {LATEST} (the dates a DOCX file can hold)"
        )
    return day
