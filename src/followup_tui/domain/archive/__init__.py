"""The rules of the archive: document kinds, the checklist rules and search queries."""
