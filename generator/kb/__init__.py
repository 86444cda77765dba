"""Stage one: the knowledge base read from YAML with every value's line, its declared models, layout, schemas and migration."""
