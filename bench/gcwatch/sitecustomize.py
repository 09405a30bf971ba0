"""Loaded at start-up by the Python processes the live-class benchmark serves from (it puts this folder on
their PYTHONPATH): with NNVIZ_GC_LOG set to a folder, each process writes there one line per full (generation 2)
collection of its garbage collector, or any collection over 20 ms: wall-clock time, generation, seconds taken
and CPU seconds taken (a collection holds the interpreter: nothing else in the process runs meanwhile); with
NNVIZ_RUN_LOG set too, one line per Streamlit script run (see _time_runs).
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


def _time_runs(folder: str) -> None:
    """Once Streamlit's script runner is imported, log each script run: wall-clock end, CPU seconds of its
    thread, and the fragments it ran (none: a full run). A rerun asked during a run (a follower's check asking for
    the page's sections) runs in the same call of ``ScriptRunner._run_script``; each such run gets its own line."""
    import sys
    import threading

    def patch() -> None:
        runner = None
        while runner is None:  # the module may be in sys.modules half imported, its class not defined yet
            time.sleep(0.05)
            module = sys.modules.get("streamlit.runtime.scriptrunner.script_runner")
            runner = getattr(module, "ScriptRunner", None)
        plain = runner._run_script

        def timed(self, rerun_data):
            marks = [[time.thread_time(), None]]  # where each run began (its thread's CPU), its fragments
            storage = self._fragment_storage
            order = storage.order_fragment_ids

            def ordered(fragment_ids):  # called once at the start of each run of fragments
                if len(marks) == 1 and marks[0][1] is None and rerun_data.fragment_id_queue:
                    marks[0][1] = list(fragment_ids)
                else:
                    marks.append([time.thread_time(), list(fragment_ids)])
                return order(fragment_ids)

            try:
                storage.order_fragment_ids = ordered
            except AttributeError:
                pass
            try:
                return plain(self, rerun_data)
            finally:
                try:
                    del storage.order_fragment_ids
                except AttributeError:
                    pass
                marks.append([time.thread_time(), None])
                with open(os.path.join(folder, f"runs-{os.getpid()}.log"), "a") as f:
                    for (began, fragments), (ended, _) in zip(marks, marks[1:]):
                        f.write(f"{time.time():.3f} {ended - began:.4f} 0 {','.join(fragments or ()) or '-'}\n")

        runner._run_script = timed

    threading.Thread(target=patch, name="nnviz-bench-runs", daemon=True).start()


if _FOLDER and os.environ.get("NNVIZ_RUN_LOG"):
    _time_runs(_FOLDER)
