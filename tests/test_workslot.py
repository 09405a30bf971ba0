"""The process's work slot (nnviz/workslot.py): one holder at a time, granted first come, first served."""

import threading
import time

import pytest

from nnviz.workslot import FairSlot


def test_the_slot_is_granted_in_the_order_it_was_asked_for():
    slot = FairSlot()
    order = []
    slot.acquire()
    threads = []
    for i in range(5):
        t = threading.Thread(target=lambda i=i: (slot.acquire(), order.append(i), slot.release()))
        t.start()
        threads.append(t)
        deadline = time.monotonic() + 5
        while len(slot._queue) < i + 1 and time.monotonic() < deadline:  # wait until it is queued
            time.sleep(0.001)
    assert order == [] and slot.locked()
    slot.release()
    for t in threads:
        t.join(5)
    assert order == [0, 1, 2, 3, 4] and not slot.locked()


def test_a_holder_that_asks_again_at_once_waits_behind_the_queue():
    # A training loop releases after each batch and asks again for the next one: a waiting tick goes first.
    slot = FairSlot()
    events = []
    slot.acquire()
    waiter = threading.Thread(target=lambda: (slot.acquire(), events.append("tick"), slot.release()))
    waiter.start()
    while not slot._queue:
        time.sleep(0.001)
    slot.release()
    slot.acquire()
    events.append("next batch")
    slot.release()
    waiter.join(5)
    assert events == ["tick", "next batch"]


def test_releasing_a_free_slot_is_an_error():
    with pytest.raises(RuntimeError):
        FairSlot().release()
