"""The coder: YAML rules and spaCy patterns that give each response its MI codes, and their evaluation.
May import: base."""
