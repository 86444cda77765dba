"""The knowledge base: YAML files read with their lines, declared models, loading, cross-checks, schemas."""
