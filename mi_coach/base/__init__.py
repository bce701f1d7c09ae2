"""The base every package stands on: errors, paths and caches, safe YAML loading, JSON text.
Imports no other mi_coach package."""
