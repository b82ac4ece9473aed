"""Durable state: one interface, SQLite (embedded default) or PostgreSQL, the same schema on both.

Domain modules (overrides, questions, submissions) take a Database and speak portable SQL:
`?` placeholders, TEXT ids made by the application, times as integer epoch milliseconds.
"""
from .db import Database, open_database

__all__ = ["Database", "open_database"]
