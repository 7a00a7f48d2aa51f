"""Reading record files: safe YAML, source positions, record kinds."""
