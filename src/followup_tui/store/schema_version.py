"""The schema revision this program's models describe.

Kept apart from ``schema`` so the desk can compare it with the store's revision on the
path to the first rows without importing SQLAlchemy or Alembic; a test keeps it equal
to the newest Alembic migration.
"""

HEAD_REVISION = "20261208_0005"
