"""Alembic environment: every package's models on one metadata, batch mode for SQLite."""

from alembic import context

import directory.catalogue.models  # noqa: F401  (every model module, so the metadata is complete)
import directory.catalogue.qualifications  # noqa: F401
import directory.identity.models  # noqa: F401
import directory.overlaps.models  # noqa: F401
import directory.pathways.models  # noqa: F401
import directory.search.models  # noqa: F401
import exchange.models  # noqa: F401
import harvester.models  # noqa: F401
from directory.db import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `climbing-frame db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
