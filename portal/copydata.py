"""`python -m portal copy-data --to URL`: move an installation's data from its database (the
configured DATABASE_URL, usually SQLite) into a new, empty one (usually PostgreSQL).

The target gets the portal's own schema first (Alembic: the id sequences, the triggers that keep
操作日志 append-only), then every table's rows as stored — personal fields stay the Fernet tokens
they are, so the same key reads them — in the order their foreign keys need, in one transaction (a
failure leaves the target empty), and PostgreSQL's id sequences are moved past the copied ids. A
generic table copier (pgloader) makes tables without those sequences and triggers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import MetaData, Table, func, inspect, select, text
from sqlalchemy.engine import Engine

from portal.migrate import migrate
from portal.models import metadata

BATCH = 1000


class CopyRefused(Exception):
    """The copy cannot start (message in words for the operator); nothing was written."""


@dataclass
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)   # table -> rows copied, in copy order


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def copy_data(*, source: Engine, target: Engine, progress: Callable[[str, int], None] | None = None) -> CopyReport:
    """Copy every portal table from `source` into `target`, which must hold no rows."""
    migrate(engine=source)    # the same schema version on both sides
    migrate(engine=target)
    ordered = [t.name for t in metadata().sorted_tables]
    present = _tables(source) & _tables(target)
    missing = [name for name in ordered if name not in present]
    if missing:
        raise CopyRefused(f"tables missing after migration: {', '.join(missing)}")
    with target.connect() as conn:
        filled = [n for n in ordered if conn.execute(select(func.count()).select_from(text(f'"{n}"'))).scalar()]
    if filled:
        raise CopyRefused("the target database is not empty (" + ", ".join(filled) + "): copy into a new, "
                          "empty database (`portal setup` imports content: do not run it there first)")
    src_meta, dst_meta = MetaData(), MetaData()
    report = CopyReport()
    with source.connect() as src, target.begin() as dst:
        if target.dialect.name == "postgresql":
            dst.execute(text("SET LOCAL TIME ZONE 'UTC'"))   # SQLite keeps naive UTC times
        for name in ordered:
            # reflected, not the models: no type re-encrypts or converts what is stored
            src_table = Table(name, src_meta, autoload_with=src)
            dst_table = Table(name, dst_meta, autoload_with=dst)
            columns = [c.name for c in dst_table.columns]
            result = src.execute(select(*(src_table.c[c] for c in columns)))
            count = 0
            while rows := result.mappings().fetchmany(BATCH):
                dst.execute(dst_table.insert(), [dict(r) for r in rows])
                count += len(rows)
            report.rows[name] = count
            if progress:
                progress(name, count)
            if target.dialect.name == "postgresql":
                _move_sequences(dst, dst_table)
    return report


def _move_sequences(conn, table: Table) -> None:
    """Start each serial/identity column's sequence after the largest copied value."""
    for column in table.primary_key.columns:
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                {"t": f'"{table.name}"', "c": column.name}).scalar()
        if sequence:
            conn.execute(text(f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0) + 1, '
                              "false)"), {"s": sequence})
