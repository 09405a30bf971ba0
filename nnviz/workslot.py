"""One heavy computation at a time per server process: the playground's ticks and Keras's training batches.

Python runs one thread at a time (the GIL). Every thread that keeps asking for it (a playground training,
a Keras fit) makes each short rerun of the other students wait longer for its turn: 20 playgrounds and one
training together made a slider on another page wait 0.8-16 s (p95), either alone about 0.15 s. Holding
this slot while computing leaves one busy thread per process; the others sleep here without asking for
the GIL. The slot is first come, first served, so a training that takes it batch after batch cannot
starve the playgrounds, nor they it.
"""

from __future__ import annotations

import collections
import threading


class FairSlot:
    """A lock granted in the order it was asked for (``with SLOT: ...``)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: collections.deque = collections.deque()
        self._held = False

    def acquire(self) -> None:
        ticket = object()
        with self._cond:
            self._queue.append(ticket)
            while self._held or self._queue[0] is not ticket:
                self._cond.wait()
            self._queue.popleft()
            self._held = True

    def release(self) -> None:
        with self._cond:
            if not self._held:
                raise RuntimeError("release of a slot that is not held")
            self._held = False
            self._cond.notify_all()

    def locked(self) -> bool:
        return self._held

    def __enter__(self) -> "FairSlot":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


SLOT = FairSlot()
