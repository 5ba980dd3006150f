"""Use cases: one function per workflow, each its own unit of work.

The CLI, the desk and the tests call these same functions. They return frozen
dataclasses, never live ORM objects, and raise ``FollowupError`` for anything the clerk
can fix. Nothing here imports Textual.
"""
