"""Alembic migrations of the hub database (SQLite and PostgreSQL)."""
