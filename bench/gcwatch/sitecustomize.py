"""Loaded at start-up by the Python processes the live-class benchmark serves from (it puts this folder on
their PYTHONPATH): with NNVIZ_GC_LOG set to a folder, each process writes there one line per full (generation 2)
collection of its garbage collector, or any collection over 20 ms: wall-clock time, generation, seconds taken
and CPU seconds taken. A collection holds the interpreter: nothing else in the process runs meanwhile.
"""

import gc
import os
import time

_FOLDER = os.environ.get("NNVIZ_GC_LOG")

if _FOLDER:
    _began = [0.0, 0.0]

    def _collected(phase: str, info: dict) -> None:
        if phase == "start":
            _began[:] = time.perf_counter(), time.thread_time()
            return
        took, cpu = time.perf_counter() - _began[0], time.thread_time() - _began[1]
        if info.get("generation") == 2 or took > 0.02:
            with open(os.path.join(_FOLDER, f"gc-{os.getpid()}.log"), "a") as f:
                f.write(f"{time.time():.3f} {info.get('generation')} {took:.4f} {cpu:.4f}\n")

    gc.callbacks.append(_collected)
