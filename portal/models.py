"""Every table module, imported so SQLModel.metadata is complete (for Alembic and tests)."""

from __future__ import annotations

import importlib

from sqlmodel import SQLModel

TABLE_MODULES = (
    "portal.laws.models",
    "portal.prefiling.models",
    "portal.prefiling.repeats_models",
    "portal.staff.models",
    "portal.audit.models",
    "portal.cases.models",
    "portal.schedule.models",
    "portal.guide.models",
    "portal.search.stats",
    "portal.qa.models",
    "portal.stats.models",
)


def metadata():
    """SQLModel.metadata with every table of the portal registered."""
    for name in TABLE_MODULES:
        importlib.import_module(name)
    return SQLModel.metadata
