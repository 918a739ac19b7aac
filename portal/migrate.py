"""Alembic migrations run from code: `python -m portal migrate` or migrate(engine=...)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(*, engine: Engine) -> None:
    """Upgrade the database behind `engine` to the newest schema."""
    command.upgrade(alembic_config(engine), "head")
