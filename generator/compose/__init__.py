"""Stage four: phrase the selection as a format-neutral document, and fit it to its pages."""
