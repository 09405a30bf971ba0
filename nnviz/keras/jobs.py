"""One Keras training at a time per server process; the others wait in line and see their position.

Two trainings on two cores would each run at half speed and leave nothing for
the students moving sliders, so trainings take turns. A session waiting in
line keeps calling ``on_wait(position)`` (the page redraws "you are 2nd in
line"), which is also where Streamlit's Stop or rerun reaches it.
"""

from __future__ import annotations

import threading
from collections import deque
from contextlib import contextmanager
from typing import Callable, Iterator


class TrainingQueue:
    """A first-come, first-served line for the one training slot."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._waiting: deque[str] = deque()
        self._running: str | None = None

    def position(self, ticket: str) -> int:
        """0 while ``ticket`` trains, k when k trainings are ahead of it, -1 when it is not in line."""
        with self._cond:
            if self._running == ticket:
                return 0
            if ticket in self._waiting:
                return list(self._waiting).index(ticket) + (1 if self._running is not None else 0)
            return -1

    @property
    def running(self) -> str | None:
        return self._running

    @contextmanager
    def slot(self, ticket: str, on_wait: Callable[[int], None] = lambda position: None,
             poll: float = 0.5) -> Iterator[None]:
        """Wait for the slot (calling ``on_wait`` about every ``poll`` s), hold it for the block, then pass it on."""
        with self._cond:
            if ticket in self._waiting or ticket == self._running:
                raise ValueError("this session is already training or waiting")
            self._waiting.append(ticket)
        try:
            while True:
                with self._cond:
                    if self._running is None and self._waiting[0] == ticket:
                        self._waiting.popleft()
                        self._running = ticket
                        break
                on_wait(self.position(ticket))
                with self._cond:
                    self._cond.wait(poll)
            yield
        finally:
            with self._cond:
                if ticket in self._waiting:
                    self._waiting.remove(ticket)
                if self._running == ticket:
                    self._running = None
                self._cond.notify_all()


# One line per server process: every Streamlit session runs in this process.
QUEUE = TrainingQueue()
