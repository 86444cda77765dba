"""What every stage stands on: errors, the build date, bounded reads and the on-disk cache store."""
