"""Everything TensorFlow: model spec -> Keras model, the live callback, the run store, the training queue.

Only the Keras page opens TensorFlow. :func:`load` is the one place it is
imported: thread pools are limited first (a class shares two cores), and
``gc.freeze()`` runs once right after the import, so the garbage collector
stops walking TensorFlow's hundreds of thousands of objects on every rerun of
every page (measured in bench/bench_keras.py). ``spec``, ``runs`` and ``jobs``
never import TensorFlow, so the loss-curve page reads runs without it.
"""

from __future__ import annotations

import gc
import os
import threading

_LOCK = threading.Lock()
_KERAS = None


def threads() -> int:
    """TensorFlow's intra- and inter-op pool size: NNVIZ_TF_THREADS, default 1 (one core left for the class)."""
    try:
        return max(1, int(os.environ.get("NNVIZ_TF_THREADS", "1")))
    except ValueError:
        return 1


def load():
    """Import Keras (TensorFlow backend) once per process, with limited threads, then ``gc.freeze()``."""
    global _KERAS
    with _LOCK:
        if _KERAS is None:
            n = str(threads())
            os.environ.setdefault("TF_NUM_INTRAOP_THREADS", n)
            os.environ.setdefault("TF_NUM_INTEROP_THREADS", n)
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
            os.environ.setdefault("KERAS_BACKEND", "tensorflow")
            import tensorflow as tf

            try:
                tf.config.threading.set_intra_op_parallelism_threads(int(n))
                tf.config.threading.set_inter_op_parallelism_threads(int(n))
            except RuntimeError:  # TensorFlow was already initialised by someone else; keep its pools
                pass
            import keras

            if os.environ.get("NNVIZ_GC_FREEZE", "1") != "0":  # "0" only to measure the difference (bench/)
                gc.collect()
                gc.freeze()
            _KERAS = keras
        return _KERAS
