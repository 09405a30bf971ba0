"""Where a live class keeps its state: shared by every server process, so any process can serve any student.

Two stores with one small interface (records with an expiry, and hashes of fields):

- :class:`SQLiteStore`, the default: one SQLite file in the data folder (``NNVIZ_DATA_DIR``, default
  ``./data/live``), in WAL mode so that readers never wait for the one writer. Enough for one host.
- :class:`RedisStore` when ``NNVIZ_REDIS_URL`` is set: for several hosts behind one nginx.

Values are JSON text. Every key expires (a class left idle goes away with everything in it).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Iterator, Protocol

DEFAULT_DIR = Path("data") / "live"


class Store(Protocol):
    """The operations a class needs; every key has a time to live in seconds."""

    def get(self, key: str) -> Any | None: ...
    def put(self, key: str, value: Any, ttl: float) -> None: ...
    def put_new(self, key: str, value: Any, ttl: float) -> bool: ...
    def delete(self, *keys: str) -> None: ...
    def hset(self, key: str, field: str, value: Any, ttl: float) -> None: ...
    def hgetall(self, key: str) -> dict[str, Any]: ...
    def hlen(self, key: str) -> int: ...
    def incr(self, key: str, ttl: float) -> int: ...


class SQLiteStore:
    """The class state in one SQLite file (WAL): every server process on this host opens the same file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Open connections waiting to be used: Streamlit runs each script run in a new thread, so a connection
        # per thread would be opened (and the WAL set up) on nearly every run; a pool keeps a few open.
        self._pool: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT, expires REAL)")
            db.execute("CREATE TABLE IF NOT EXISTS hash (key TEXT, field TEXT, value TEXT, expires REAL, "
                       "PRIMARY KEY (key, field))")

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """A connection of the pool for one operation (a new one when all are in use)."""
        try:
            db = self._pool.get_nowait()
        except queue.Empty:
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a committed write survives a process kill
        try:
            yield db
        finally:
            if db.in_transaction:  # an operation interrupted halfway leaves nothing open for the next user
                db.execute("ROLLBACK")
            self._pool.put(db)

    def get(self, key: str) -> Any | None:
        with self._db() as db:
            row = db.execute("SELECT value FROM kv WHERE key = ? AND expires > ?", (key, time.time())).fetchone()
        return None if row is None else json.loads(row[0])

    def put(self, key: str, value: Any, ttl: float) -> None:
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO kv VALUES (?, ?, ?)", (key, json.dumps(value), time.time() + ttl))

    def put_new(self, key: str, value: Any, ttl: float) -> bool:
        with self._db() as db:
            now = time.time()
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM kv WHERE key = ? AND expires <= ?", (key, now))
            cursor = db.execute("INSERT OR IGNORE INTO kv VALUES (?, ?, ?)", (key, json.dumps(value), now + ttl))
            db.execute("COMMIT")
        return cursor.rowcount == 1

    def delete(self, *keys: str) -> None:
        with self._db() as db:
            for key in keys:
                db.execute("DELETE FROM kv WHERE key = ?", (key,))
                db.execute("DELETE FROM hash WHERE key = ?", (key,))

    def hset(self, key: str, field: str, value: Any, ttl: float) -> None:
        now = time.time()
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO hash VALUES (?, ?, ?, ?)", (key, field, json.dumps(value), now + ttl))
            db.execute("UPDATE hash SET expires = ? WHERE key = ?", (now + ttl, key))

    def hgetall(self, key: str) -> dict[str, Any]:
        with self._db() as db:
            rows = db.execute("SELECT field, value FROM hash WHERE key = ? AND expires > ?",
                              (key, time.time())).fetchall()
        return {field: json.loads(value) for field, value in rows}

    def hlen(self, key: str) -> int:
        with self._db() as db:
            return db.execute("SELECT COUNT(*) FROM hash WHERE key = ? AND expires > ?",
                              (key, time.time())).fetchone()[0]

    def incr(self, key: str, ttl: float) -> int:
        with self._db() as db:
            now = time.time()
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT value FROM kv WHERE key = ? AND expires > ?", (key, now)).fetchone()
            value = (json.loads(row[0]) if row else 0) + 1
            db.execute("INSERT OR REPLACE INTO kv VALUES (?, ?, ?)", (key, json.dumps(value), now + ttl))
            db.execute("COMMIT")
        return value

    def purge(self) -> int:
        """Drop expired rows; returns how many went."""
        now = time.time()
        with self._db() as db:
            gone = db.execute("DELETE FROM kv WHERE expires <= ?", (now,)).rowcount
            return gone + db.execute("DELETE FROM hash WHERE expires <= ?", (now,)).rowcount


class RedisStore:
    """The class state in Redis (``NNVIZ_REDIS_URL``), for server processes on several hosts."""

    PREFIX = "nnviz:"

    def __init__(self, url: str) -> None:
        import redis  # only a server set up for several hosts needs it

        self.redis = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5)

    def _k(self, key: str) -> str:
        return self.PREFIX + key

    def get(self, key: str) -> Any | None:
        value = self.redis.get(self._k(key))
        return None if value is None else json.loads(value)

    def put(self, key: str, value: Any, ttl: float) -> None:
        self.redis.set(self._k(key), json.dumps(value), px=max(int(ttl * 1000), 1))

    def put_new(self, key: str, value: Any, ttl: float) -> bool:
        return bool(self.redis.set(self._k(key), json.dumps(value), px=max(int(ttl * 1000), 1), nx=True))

    def delete(self, *keys: str) -> None:
        if keys:
            self.redis.delete(*(self._k(k) for k in keys))

    def hset(self, key: str, field: str, value: Any, ttl: float) -> None:
        pipe = self.redis.pipeline()
        pipe.hset(self._k(key), field, json.dumps(value))
        pipe.pexpire(self._k(key), max(int(ttl * 1000), 1))
        pipe.execute()

    def hgetall(self, key: str) -> dict[str, Any]:
        return {field: json.loads(value) for field, value in self.redis.hgetall(self._k(key)).items()}

    def hlen(self, key: str) -> int:
        return int(self.redis.hlen(self._k(key)))

    def incr(self, key: str, ttl: float) -> int:
        pipe = self.redis.pipeline()
        pipe.incr(self._k(key))
        pipe.pexpire(self._k(key), max(int(ttl * 1000), 1))
        return int(pipe.execute()[0])


_STORES: dict[str, Store] = {}
_LOCK = threading.Lock()


def default_store() -> Store:
    """The process's store: Redis when ``NNVIZ_REDIS_URL`` is set, else SQLite in ``NNVIZ_DATA_DIR``."""
    url = os.environ.get("NNVIZ_REDIS_URL", "")
    where = url or str(Path(os.environ.get("NNVIZ_DATA_DIR", DEFAULT_DIR)) / "classes.sqlite3")
    with _LOCK:
        store = _STORES.get(where)
        if store is None:
            store = RedisStore(url) if url else SQLiteStore(where)
            _STORES[where] = store
        return store
