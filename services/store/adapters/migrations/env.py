"""Alembic environment: runs on the connection handed over by ``migrate.upgrade``."""

from alembic import context

from services.store.adapters.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
