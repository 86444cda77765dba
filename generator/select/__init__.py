"""Stage three: choose what one audience's briefing shows, and what the records of earlier meetings hold."""
