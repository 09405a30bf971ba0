"""Keep the garbage collector off the long-lived heap: each page's first run in a process freezes it.

Python's full collections (generation 2) walk every tracked object. After a
page has run once, the process holds Streamlit, Plotly, NumPy and the page's
cached figures: tens of thousands of objects that live as long as the
process. A full collection over them took 80 ms in the middle of a slider's
rerun (gradient descent's p95 was 75 ms for a 42 ms median). ``gc.freeze()``
moves the objects alive now out of the collector's sight; they are still
freed by reference counting as usual. Done once per page and process, after
a ``gc.collect()`` so no garbage is frozen. Keras does the same after its
import (``nnviz.keras``).
"""

from __future__ import annotations

import gc
import threading

_SETTLED: set[str] = set()
_LOCK = threading.Lock()


def settle(page: str) -> bool:
    """Freeze the heap after ``page``'s first run in this process; True if it did now."""
    if page in _SETTLED:
        return False
    with _LOCK:
        if page in _SETTLED:
            return False
        _SETTLED.add(page)
        gc.collect()
        gc.freeze()
        return True
