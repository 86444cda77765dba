"""Stage one: the knowledge base read from YAML with every value's line, its models, layout and schemas."""
