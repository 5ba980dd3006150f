"""Persistence: SQLAlchemy models, the engine factory, migrations and the change log.

Importing this package costs the SQLAlchemy import (about 0.4 s here), which is why the
desk's first frame and first rows never import it (see ``window_reader``).
"""
