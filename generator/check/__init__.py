"""Stage two: check a loaded knowledge base and report every mistake at its file and line."""
