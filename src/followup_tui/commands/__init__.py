"""Command palette providers: every workflow as an "Area: verb object" entry."""
