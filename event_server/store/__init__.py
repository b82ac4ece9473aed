"""Durable state: one interface, SQLite (embedded default) or PostgreSQL, the same schema on both.

Domain modules (overrides, questions, submissions) take a Database (or the app's Store) and speak portable SQL:
`?` placeholders, TEXT ids made by the application, times as integer epoch milliseconds. They return
core dataclasses (or this layer's records), never driver rows, and refuse with core.refusal.Refused.
"""
from .db import Database, Store, open_database

__all__ = ["Database", "Store", "open_database"]
