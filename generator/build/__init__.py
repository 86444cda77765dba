"""The orchestration: requests to documents, incremental builds, run caches and packages."""
