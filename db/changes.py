"""Has anything been committed since the last look? One cheap question per poll, asked on
one dedicated connection, so a screen re-runs its query only when the answer changed.

SQLite: `PRAGMA data_version` changes when any other connection commits, and this
connection never writes, so every commit counts (this console's pool and other
consoles alike); it reads no table. PostgreSQL: the audit head's `last_id`, which every
write transaction moves (it must append an audit event), read by primary key.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy.engine import Engine

SQLITE = "PRAGMA data_version"
POSTGRESQL = "SELECT last_id FROM audit_head WHERE id = 1"


class ChangeWatch:
    """`version()` returns a number that differs after any commit since the last call."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        self._raw: Any = None  # the dedicated connection, opened on first use
        self._lock = threading.Lock()  # polled from worker threads

    def version(self) -> int:
        with self._lock:
            if self._raw is None:
                self._raw = self._engine.raw_connection()
            cursor = self._raw.cursor()
            try:
                cursor.execute(SQLITE if self._sqlite else POSTGRESQL)
                row = cursor.fetchone()
            finally:
                cursor.close()
            if not self._sqlite:
                self._raw.rollback()  # never idle in a transaction between polls
            return int(row[0]) if row else 0

    def close(self) -> None:
        with self._lock:
            if self._raw is not None:
                self._raw.close()
                self._raw = None
