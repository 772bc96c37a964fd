"""Bulk inserts for generated or imported data: tuples straight to the driver's executemany.

SQLAlchemy's Core `conn.execute(table.insert(), dicts)` runs every value of every row
through its bind processors, about four times slower than the driver itself on a wide
table (TOP has 86 columns). Here the statement is built once per table from the Table
metadata and executed with `exec_driver_sql` inside the caller's transaction, so it is
still SQLAlchemy's connection and transaction, only without per-value processing. On
PostgreSQL with psycopg the rows go by COPY on that same connection, because psycopg's
executemany spends some 30 µs of Python per row.
The two conversions that processing did are done here: dates become ISO text on SQLite
(SQLAlchemy's storage format there; or the caller passes them so, see `date_encoder`),
and columns the caller leaves out get their scalar Python defaults. Callers assign
primary keys, then call `reset_sequences` once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

CHUNK = 10_000
LOOKUP = 500  # values per IN (...) of `present`
PAGE_CACHE_MIB = 64  # SQLite page cache while `page_cache` holds
_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}


class TableWriter:
    """A prepared positional INSERT for one table and one column order.

    `constants` are columns with the same value in every row (as are the scalar defaults
    of the columns left out): on the INSERT path they are written into the statement as
    SQL literals of their column's type, because the driver binds every parameter of
    every row (binding costs more than SQLite's own insert on a wide table). They come
    from code, never from input. COPY takes no expressions, so there they go with each row.
    """

    def __init__(
        self,
        conn: sa.Connection,
        table: sa.Table,
        columns: Sequence[str],
        *,
        driver_dates: bool = False,
        constants: Mapping[str, Any] | None = None,
    ) -> None:
        constants = dict(constants or {})
        unknown = [name for name in [*columns, *constants] if name not in table.c]
        if unknown:
            raise ValueError(f"{table.name} has no column(s) {', '.join(unknown)}")
        mark = _PLACEHOLDER.get(conn.dialect.paramstyle)
        if mark is None:
            raise NotImplementedError(f"paramstyle {conn.dialect.paramstyle!r}")
        for column in table.columns:
            if column.name in columns or column.name in constants:
                continue
            default = column.default
            if isinstance(default, sa.ColumnDefault) and default.is_scalar:
                constants[column.name] = default.arg
            elif not column.nullable and not column.primary_key:
                raise ValueError(f"{table.name}.{column.name} is required and has no default")
        quote = conn.dialect.identifier_preparer.quote
        self.conn = conn
        self.table = table
        self.width = len(columns)
        self.copy_sql = ""
        if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
            names = [*columns, *constants]
            self.copy_sql = (
                f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
            )
            literals: dict[str, str] = {}
        else:
            literals = {
                n: lit
                for n, v in constants.items()
                if (lit := _literal(conn, table.c[n], v)) and not (mark == "%s" and "%" in lit)
            }
        bound = [n for n in constants if n not in literals]
        self.tail = tuple(constants[n] for n in bound)
        names = [*columns, *bound, *literals]
        values = [*(mark for _ in (*columns, *bound)), *literals.values()]
        self.sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
            f"VALUES ({', '.join(values)})"
        )
        # pysqlite has no adapter for pendulum.Date and a deprecated one for date.
        self.date_positions: tuple[int, ...] = ()
        if conn.dialect.name == "sqlite" and not driver_dates:
            self.date_positions = tuple(
                i
                for i, name in enumerate((*columns, *bound))
                if isinstance(table.c[name].type, sa.Date)
            )

    def _prepare(self, rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
        tail = self.tail
        positions = self.date_positions
        if not positions:
            return [tuple(row) + tail for row in rows] if tail else [tuple(r) for r in rows]
        prepared = []
        for row in rows:
            values = [*row, *tail]
            for i in positions:
                value = values[i]
                if value is not None:
                    values[i] = value.isoformat()
            prepared.append(tuple(values))
        return prepared

    def insert(self, rows: Sequence[Sequence[Any]], *, chunk: int = CHUNK) -> int:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            if part and len(part[0]) != self.width:
                raise ValueError(f"{self.table.name}: rows have {len(part[0])} values")
            if self.copy_sql:
                self._copy(self._prepare(part))
            else:
                self.conn.exec_driver_sql(self.sql, self._prepare(part))
        return len(rows)

    def _copy(self, rows: list[tuple[Any, ...]]) -> None:
        # The driver connection under this SQLAlchemy connection: the same transaction.
        driver = self.conn.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(self.copy_sql) as copy:
            for row in rows:
                copy.write_row(row)


def _literal(conn: sa.Connection, column: sa.Column[Any], value: Any) -> str:
    """`value` as an SQL literal of the column's type, or "" if the type has none."""
    try:
        compiled = sa.literal(value, column.type).compile(
            dialect=conn.dialect, compile_kwargs={"literal_binds": True}
        )
    except (sa.exc.CompileError, NotImplementedError, TypeError, ValueError):
        return ""
    return str(compiled)


def date_encoder(conn: sa.Connection) -> Callable[[dt.date], Any]:
    """How a Date value goes to this driver: ISO text on SQLite (SQLAlchemy's storage
    format there), the date itself elsewhere. For callers that pass `driver_dates`."""
    if conn.dialect.name == "sqlite":
        return dt.date.isoformat
    return lambda value: value


def insert_many(
    conn: sa.Connection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    chunk: int = CHUNK,
) -> int:
    """Insert `rows` (tuples in `columns` order) in chunks; returns how many."""
    return TableWriter(conn, table, columns).insert(rows, chunk=chunk)


def present(conn: sa.Connection, table: sa.Table, column: str, values: Sequence[Any]) -> set[Any]:
    """Which of `values` `column` already holds: one driver-level `IN (...)` per slice of
    LOOKUP values (SQLAlchemy's expanding IN costs more than the index look-ups)."""
    mark = _PLACEHOLDER[conn.dialect.paramstyle]
    quote = conn.dialect.identifier_preparer.quote
    found: set[Any] = set()
    for start in range(0, len(values), LOOKUP):
        part = tuple(values[start : start + LOOKUP])
        sql = (
            f"SELECT {quote(column)} FROM {quote(table.name)} "
            f"WHERE {quote(column)} IN ({', '.join(mark for _ in part)})"
        )
        found.update(row[0] for row in conn.exec_driver_sql(sql, part))
    return found


@contextmanager
def page_cache(conn: sa.Connection, mib: int = PAGE_CACHE_MIB) -> Iterator[None]:
    """A larger SQLite page cache for one bulk write on this connection, then the old one
    again (the connection goes back to the pool). With SQLite's default 2 MB, a large
    insert into a table with many indexes evicts and re-reads index pages all the time;
    the cache is bounded, so memory stays flat whatever the size of the file."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    conn.exec_driver_sql(f"PRAGMA cache_size=-{int(mib) * 1024}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={before}")


def next_id(conn: sa.Connection, table: sa.Table, column: str = "id") -> int:
    """One more than the largest value of `column` (1 for an empty table)."""
    top = conn.execute(sa.select(sa.func.max(table.c[column]))).scalar()
    return int(top or 0) + 1


def reset_sequences(conn: sa.Connection, tables: Iterable[sa.Table]) -> None:
    """After explicit ids on PostgreSQL, move each serial past the largest id."""
    if conn.dialect.name != "postgresql":
        return
    quote = conn.dialect.identifier_preparer.quote
    for table in tables:
        conn.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence(:name, 'id'), max(id)) "
                f"FROM {quote(table.name)} HAVING max(id) IS NOT NULL"
            ),
            {"name": table.name},
        )


class Buffers:
    """Rows collected per table and written together, parents before children. A table
    may come more than once with other columns (rows that leave many columns NULL bind
    fewer values); `extra[name]` holds the row lists of its later specs."""

    def __init__(
        self,
        conn: sa.Connection,
        specs: Sequence[tuple[sa.Table, Sequence[str]]],
        *,
        driver_dates: bool = False,
    ) -> None:
        self.writers = [
            TableWriter(conn, table, columns, driver_dates=driver_dates) for table, columns in specs
        ]
        self.lists: list[list[tuple[Any, ...]]] = [[] for _ in self.writers]
        self.rows: dict[str, list[tuple[Any, ...]]] = {}
        self.extra: dict[str, list[list[tuple[Any, ...]]]] = {}
        for writer, rows in zip(self.writers, self.lists, strict=True):
            if writer.table.name in self.rows:
                self.extra.setdefault(writer.table.name, []).append(rows)
            else:
                self.rows[writer.table.name] = rows

    def __getitem__(self, table_name: str) -> list[tuple[Any, ...]]:
        return self.rows[table_name]

    def flush(self) -> None:
        for writer, rows in zip(self.writers, self.lists, strict=True):
            if rows:
                writer.insert(rows)
                rows.clear()
