"""The desk's screens and dialogs, one per module."""
