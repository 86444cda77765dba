"""The rules every later stage applies alike: what is withheld, which claims need answers, what is stale."""
