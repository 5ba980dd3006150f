"""Alembic migrations, shipped inside the package so an installed desk can upgrade itself."""
