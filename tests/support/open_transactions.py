"""Whether any connection to a database is inside a transaction right now, seen from outside.

For tests that check slow work (a password hash, a call out) runs outside every transaction:
call `transaction_open(url)` from inside that work. PostgreSQL: another client backend of this
database with a transaction started (`idle in transaction` included). SQLite: another
connection holds a lock, so an EXCLUSIVE transaction cannot start at once (a reader's SHARED
lock is enough to refuse it in SQLite's default rollback-journal mode).
"""

import sqlite3
from contextlib import closing

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

OTHER_TRANSACTIONS = text(
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    " AND backend_type = 'client backend' AND xact_start IS NOT NULL"
)


def transaction_open(database_url: str) -> bool:
    """True when some connection to `database_url` is inside a transaction (blocking call)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_locked(url.database or "")
    engine = create_engine(url.set(drivername="postgresql+psycopg"), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return bool(connection.scalar(OTHER_TRANSACTIONS))
    finally:
        engine.dispose()


def _sqlite_locked(path: str) -> bool:
    with closing(sqlite3.connect(path, timeout=0, isolation_level=None)) as connection:
        try:
            connection.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as error:
            if "locked" in str(error):
                return True
            raise
        connection.execute("ROLLBACK")
        return False
