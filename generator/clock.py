"""The date a build is stamped with, read the way reproducible builds agree on."""

from __future__ import annotations

import datetime
import os

from .errors import UsageError


def build_date() -> datetime.date:
    """The date a build is stamped with: `SOURCE_DATE_EPOCH` if set, else today.

    Fixing it makes output byte-for-byte reproducible.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return datetime.date.today()
    try:
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970") from None
