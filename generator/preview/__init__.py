"""The live preview behind `briefing serve`: what the page shows, and the page itself (assets/)."""

from generator.preview.state import Preview, View

__all__ = ["Preview", "View"]
