"""Stage six: write finished files atomically, record them in the manifest, and guard what leaves."""
