"""Work that would hold the server's interpreter for seconds, run in one worker process of lowest priority.

Python runs one thread at a time per process: reading a 5 MB CSV in a page's script thread (seconds of pure
Python) makes every other student's rerun in that process wait for it. :func:`run` sends such work to one worker
process instead, started on first use with ``os.nice(19)`` so that the students' reruns win the CPU, and waits for
the answer in the page's thread (waiting lets the other threads run); the page shows a spinner meanwhile.

Bounds: a task may use :data:`CPU_SECONDS` of the worker's CPU (the worker stops it and the page gets a message
in words); a worker that does not answer within :data:`WALL_SECONDS` is ended and the next task starts a new one.
Tasks wait in one queue, first come first served. After each task the worker returns its freed memory to the
system; after :data:`IDLE_SECONDS` without a task it ends (the next task starts a new one), and it ends with the
server.
"""

from __future__ import annotations

import atexit
import concurrent.futures as futures
import contextlib
import multiprocessing
import os
import sys
import threading
import types

CPU_SECONDS = 60.0  # what one task may spend (about ten times a 5 MB file's reading and analysis here)
WALL_SECONDS = 300.0  # the worker answers within this or is ended (a queue of a class's uploads included)
IDLE_SECONDS = 60.0  # a worker without a task for this long ends, and its memory goes back to the system

_lock = threading.Lock()
_pool: futures.ProcessPoolExecutor | None = None
_busy = 0  # tasks sent and not yet answered
_last_task = 0  # counts tasks, so that an idle check knows whether one came since


class TooLong(ValueError):
    """A task went over its CPU budget (a ValueError, so a page shows it as bad input)."""


class _Stop(BaseException):
    """Raised in the worker when a task's CPU time is up: a BaseException, so that no ``except ValueError`` in
    the task swallows it."""


def _worker_start(parent: int) -> None:
    """The worker's set-up: lowest priority, and a watch that ends it when the server is gone (``kill -9``)."""
    import signal
    import time

    os.nice(19)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="nnviz-offload-parent", daemon=True).start()

    def over_budget(signum, frame):
        raise _Stop

    signal.signal(signal.SIGVTALRM, over_budget)


def _release_memory() -> None:
    """Give the memory a task freed back to the system (glibc keeps it for the process otherwise)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the memory stays with the worker, which is reused
        pass


def _call(fn, args: tuple, kwargs: dict, cpu_seconds: float):
    """In the worker: ``fn(*args, **kwargs)`` stopped after ``cpu_seconds`` of the worker's own CPU time."""
    import signal

    signal.setitimer(signal.ITIMER_VIRTUAL, cpu_seconds)
    try:
        return fn(*args, **kwargs)
    except _Stop:
        raise TooLong(f"this took more than {cpu_seconds:.0f} s of the server's time and was stopped; "
                      "try a smaller file") from None
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        _release_memory()


# A ``__main__`` with no file: Streamlit makes each page script ``__main__`` while it runs, and a spawned process
# runs the parent's ``__main__`` file first; the worker must not run a page.
_NO_MAIN = types.ModuleType("__main__")


@contextlib.contextmanager
def _without_main():
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = _NO_MAIN
    try:
        yield
    finally:
        if sys.modules.get("__main__") is _NO_MAIN:  # a page run that began meanwhile set its own: kept
            sys.modules["__main__"] = main


def _submit(pool: futures.ProcessPoolExecutor, *args):
    with _without_main():  # the worker process is started here, on the first task
        return pool.submit(*args)


def _at_exit() -> None:
    """Stop the worker while the interpreter is whole (a pool left to the last garbage collection complains)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()  # a task under way ends with the server, not up to a minute later
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(_at_exit)


def _executor() -> futures.ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            # spawn, not fork: the server has many threads (and perhaps TensorFlow) that a fork would copy mid-step.
            _pool = futures.ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                initializer=_worker_start, initargs=(os.getpid(),))
        return _pool


def _discard(pool: futures.ProcessPoolExecutor) -> None:
    """Forget a broken or stuck worker: end its process; the next task starts a new one."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.kill()
        except (OSError, AttributeError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)


def run(fn, *args, here: bool = False, cpu_seconds: float = CPU_SECONDS, wall_seconds: float = WALL_SECONDS,
        **kwargs):
    """``fn(*args, **kwargs)`` computed in the worker process; its result, or its exception raised here.

    ``fn`` must be a module-level function (it is sent by name), its arguments and result picklable. A
    ``ValueError`` from ``fn`` arrives as it was raised; over ``cpu_seconds`` of CPU it is :class:`TooLong`; a
    worker that died (out of memory) or did not answer within ``wall_seconds`` gives a ``ValueError`` too.
    ``here=True`` computes it in this process instead: for inputs of known, small cost (a bundled data set),
    which should not wait behind uploads, nor for a worker of the lowest priority on a busy machine.
    """
    global _busy, _last_task
    if here:
        return fn(*args, **kwargs)
    pool = _executor()
    with _lock:
        _busy += 1
        _last_task += 1
    try:
        try:
            future = _submit(pool, _call, fn, args, kwargs, cpu_seconds)
        except RuntimeError:  # the pool broke (its worker was killed) since the last task: one new worker
            _discard(pool)
            pool = _executor()
            future = _submit(pool, _call, fn, args, kwargs, cpu_seconds)
        return _answer(pool, future, wall_seconds)
    finally:
        with _lock:
            _busy -= 1
            task = _last_task
        timer = threading.Timer(IDLE_SECONDS, stop_if_idle, args=(task,))
        timer.daemon = True
        timer.start()


def stop_if_idle(task: int | None = None) -> bool:
    """End the worker if no task is running and none came since task number ``task`` (any, when None); the next
    task starts a new one. Returns whether it ended one."""
    global _pool
    with _lock:
        pool = _pool
        if pool is None or _busy or (task is not None and task != _last_task):
            return False
        _pool = None
    pool.shutdown(wait=False)
    return True


def _answer(pool: futures.ProcessPoolExecutor, future: futures.Future, wall_seconds: float):
    try:
        return future.result(wall_seconds)
    except futures.TimeoutError:
        _discard(pool)
        raise ValueError(f"the server did not finish this within {wall_seconds:.0f} s; try again, or a smaller "
                         "file") from None
    except futures.process.BrokenProcessPool:
        _discard(pool)
        raise ValueError("the server ran out of room for this file (its worker stopped); try a smaller file") \
            from None


def worker_pids() -> list[int]:
    """The worker's process id, when one runs (for tests and benchmarks)."""
    pool = _pool
    return [p.pid for p in (getattr(pool, "_processes", None) or {}).values()] if pool is not None else []
