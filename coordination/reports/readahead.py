"""Reading a long result on a second connection while the caller goes on with the first.

A workbook needs the report's figures (several statements, some Python) and the task sheet (one
statement whose sort and joins take the server a second or two before the first row). Run one
after the other on one connection, the server idles while Python works and Python waits while
the server sorts. :func:`read_ahead` starts the sheet's statement on a connection of its own, in
a thread, **in the caller's snapshot** (``pg_export_snapshot``, imported by a ``REPEATABLE READ``
transaction), so the rows are those the caller's transaction would have read at the call, and
the caller builds the figures meanwhile.

It falls back to reading in the caller's session, with the same result, where a second
connection could not see what the caller sees:

- not PostgreSQL (SQLite: one file, one writer, and no snapshot to share);
- the caller's transaction has written something (its uncommitted rows are invisible to any
  other transaction; pending ORM changes are flushed first so they count).
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

T = TypeVar("T")

BATCH = 1000  # items handed over at a time
AHEAD = 8  # batches the reader may be ahead of the consumer
_END = object()
_SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$")


def read_ahead(dbsession: Session, produce: Callable[[Session], Iterator[T]]) -> Iterator[T]:
    """The items of ``produce(session)``, read on PostgreSQL by a thread with a connection of its
    own sharing this transaction's snapshot (elsewhere, or after a write, ``produce(dbsession)``).

    The thread has begun (the snapshot is imported) when this returns. Close the result (``close()``,
    or consume it to the end) to release the thread and its connection; an error in the reader is
    raised where the items are consumed."""
    connection = dbsession.connection()
    if connection.dialect.name != "postgresql":
        return produce(dbsession)
    dbsession.flush()
    if connection.exec_driver_sql("SELECT pg_current_xact_id_if_assigned() IS NOT NULL").scalar():
        return produce(dbsession)
    snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
    return _Reader(connection.engine, snapshot, produce)


class _Reader(Generic[T]):
    def __init__(self, engine: Engine, snapshot: str, produce: Callable[[Session], Iterator[T]]):
        if not _SNAPSHOT_ID.match(snapshot):
            raise ValueError(f"not a snapshot id: {snapshot!r}")
        self.queue: queue.Queue = queue.Queue(maxsize=AHEAD)
        self.stop = threading.Event()
        self.imported = threading.Event()
        self.failure: BaseException | None = None
        self.batch: list[T] = []
        self.position = 0
        self.done = False
        self.thread = threading.Thread(target=self._read, args=(engine, snapshot, produce),
                                       name="report-read-ahead", daemon=True)
        self.thread.start()
        self.imported.wait()
        if self.failure is not None:
            self.close()
            raise self.failure

    # -- the reading thread ------------------------------------------------------------------------

    def _read(self, engine: Engine, snapshot: str, produce: Callable[[Session], Iterator[T]]) -> None:
        try:
            with engine.connect() as connection:
                connection.execution_options(isolation_level="REPEATABLE READ")
                transaction = connection.begin()
                try:
                    connection.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                    self.imported.set()
                    with Session(bind=connection) as session:
                        items = produce(session)
                        try:
                            batch: list[T] = []
                            for item in items:
                                batch.append(item)
                                if len(batch) >= BATCH:
                                    if not self._put(batch):
                                        return  # closed by the consumer
                                    batch = []
                            if batch:
                                self._put(batch)
                        finally:
                            getattr(items, "close", lambda: None)()  # a generator's cursor, at once
                finally:
                    transaction.rollback()  # it only read
        except BaseException as error:  # handed to the consumer, raised there
            self.failure = error
        finally:
            self.imported.set()
            self._put(_END)

    def _put(self, item) -> bool:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    # -- the consumer ------------------------------------------------------------------------------

    def __iter__(self) -> _Reader[T]:
        return self

    def __next__(self) -> T:
        while self.position >= len(self.batch):
            if self.done:
                raise StopIteration
            got = self.queue.get()
            if got is _END:
                self.done = True
                self.thread.join()
                if self.failure is not None:
                    raise self.failure
                raise StopIteration
            self.batch, self.position = got, 0
        item = self.batch[self.position]
        self.position += 1
        return item

    def close(self) -> None:
        """Stop the reader (if it is still reading) and wait for its connection to be released."""
        self.stop.set()
        while self.thread.is_alive():
            try:
                self.queue.get(timeout=0.1)
            except queue.Empty:
                pass
        self.thread.join()
        self.done = True
