"""Text before it is a briefing: characters, inline markup, the message catalogue and matching people's names."""
