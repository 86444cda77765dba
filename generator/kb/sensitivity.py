"""Distribution levels: who may see an item, and who a copy goes to.

Its own small module, so that a command that only passes a level along (an
unchanged rebuild, say) need not import the content models.
"""

from __future__ import annotations

import enum


class Sensitivity(str, enum.Enum):
    PUBLIC = "public"
    RESTRICTED = "restricted"
    CONFIDENTIAL = "confidential"

    def allows(self, item: Sensitivity) -> bool:
        """Whether an output at this distribution level may show `item`."""
        return _RANK[item] <= _RANK[self]


_RANK = {level: rank for rank, level in enumerate(Sensitivity)}
