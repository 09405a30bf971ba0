"""What one Keras training may take from a class sharing one server: every limit of the Keras page in one place.

A class shares one training slot (nnviz.keras.jobs), so one student's huge
model must not hold it for a day while everyone else waits. The page refuses
a model over :data:`MAX_PARAMETERS` before Train, says beforehand when a
training would run past :data:`MAX_RUN_SECONDS`, and the training itself
stops at that cap (keeping its whole epochs), so the slot passes on within it.
A stored run is bounded by :data:`MAX_RUN_BYTES` and the store keeps the
newest :data:`KEEP_RUNS` runs. No TensorFlow here.
"""

from __future__ import annotations

import math

MAX_PARAMETERS = 1_000_000  # weights and biases of one model (1,024-unit layers: about one hidden layer pair)
MAX_RUN_SECONDS = 300  # the longest one training may hold the class's training slot
MAX_RUN_BYTES = 32 * 2**20  # a stored run folder (model with optimizer state, logs, history); 1M parameters ≈ 12 MB
KEEP_RUNS = 100  # the runs folder keeps the newest runs; older ones are deleted when a new run is stored
ESTIMATE_BATCHES = 10  # batches timed at the start of a training before its duration is projected

# The estimate before Train (measured on this project's 2-core server, one TensorFlow thread):
# each batch costs a fixed overhead, each parameter a little per training row.
SECONDS_PER_BATCH = 0.003
SECONDS_PER_PARAMETER_ROW = 4e-10


def minutes(seconds: float) -> str:
    """A duration in words: "45 s", "5 min", "3.2 h"."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def estimate_seconds(parameters: int, rows: int, batch_size: int, epochs: int) -> float:
    """A rough duration of ``model.fit`` before it starts: batches times an overhead plus parameters times rows."""
    batches = math.ceil(max(rows, 1) / max(batch_size, 1))
    return epochs * (batches * SECONDS_PER_BATCH + parameters * rows * SECONDS_PER_PARAMETER_ROW)


def check_model(parameters: int) -> None:
    """Refuse a model over the parameter budget, with what to change."""
    if parameters > MAX_PARAMETERS:
        raise ValueError(f"This model has {parameters:,} parameters; a model here may have at most "
                         f"{MAX_PARAMETERS:,} (the class shares one training slot). Use fewer or smaller layers.")


def time_warning(estimate: float, epochs: int) -> str | None:
    """What to say before Train when a training would run past the time budget (None when it fits)."""
    if estimate <= MAX_RUN_SECONDS:
        return None
    fits = max(1, int(epochs * MAX_RUN_SECONDS / estimate))
    return (f"This training would take about {minutes(estimate)}; one run may train for at most "
            f"{minutes(MAX_RUN_SECONDS)} (the class shares one training slot), so it would stop after about "
            f"{fits} of {epochs} epochs. Use fewer epochs, a larger batch or a smaller model.")
