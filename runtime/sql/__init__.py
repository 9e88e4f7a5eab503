"""The database half of the runtime kit: opening engines, the tracking record, the
transactional outbox and the unit of work on SQLAlchemy (SQLite and PostgreSQL).

This package's ``__init__`` imports nothing: the store's SQLite writer process imports
``runtime.sql.pragmas`` with the standard library only.
"""
