"""A Keras model and its training as plain data (no TensorFlow here), and the Keras code that builds it.

The page's layer builder produces a :class:`ModelSpec` and a
:class:`TrainSpec`; ``nnviz.keras.model.build`` turns them into a Keras model,
and :func:`code` prints the Keras code a student would write for the same
model (a test runs that code and compares the two).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "leaky_relu", "linear")
OPTIMIZERS = ("adam", "sgd", "momentum", "rmsprop")
MONITORS = ("val_loss", "loss", "val_accuracy", "val_mae")
MAX_UNITS = 1024
MAX_LAYERS = 8


@dataclass(frozen=True)
class Layer:
    """One hidden layer: Dense (units, activation) or Dropout (rate)."""

    kind: str  # "dense" or "dropout"
    units: int = 0
    activation: str = "relu"
    rate: float = 0.0


@dataclass(frozen=True)
class Output:
    """The output layer and loss that fit a task, with the sentence that says why."""

    units: int
    activation: str
    loss: str
    metrics: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class ModelSpec:
    """A Sequential model: inputs, hidden layers, and the output layer chosen by the task."""

    n_inputs: int
    hidden: tuple[Layer, ...]
    task: str  # "binary", "multiclass", "regression"
    n_classes: int = 0

    @property
    def output(self) -> Output:
        return output_for(self.task, self.n_classes)


@dataclass(frozen=True)
class TrainSpec:
    """How to train: optimizer, learning rate, batches, epochs, validation, early stopping, seed."""

    optimizer: str = "adam"
    learning_rate: float = 0.001
    batch_size: int = 32
    epochs: int = 20
    validation_split: float = 0.2
    early_stopping: bool = False
    monitor: str = "val_loss"
    patience: int = 5
    restore_best_weights: bool = True
    seed: int = 42


def output_for(task: str, n_classes: int = 0) -> Output:
    """The output layer and loss for a task (the course's table)."""
    if task == "binary":
        return Output(1, "sigmoid", "binary_crossentropy", ("accuracy",),
                      "One sigmoid unit gives P(class 1) between 0 and 1; binary cross-entropy is the cost for it.")
    if task == "multiclass":
        if n_classes < 2:
            raise ValueError("a multi-class model needs at least 2 classes")
        return Output(n_classes, "softmax", "sparse_categorical_crossentropy", ("accuracy",),
                      f"{n_classes} softmax units give one probability per exclusive class, summing to 1; sparse "
                      "categorical cross-entropy takes the class index as the label (no one-hot needed).")
    if task == "regression":
        return Output(1, "linear", "mse", ("mae",),
                      "One linear unit can output any number; the mean squared error punishes large misses most.")
    raise ValueError(f"unknown task {task!r}; choose binary, multiclass or regression")


def parse_layers(text: str, activation: str = "relu", dropout: float = 0.0) -> tuple[Layer, ...]:
    """Hidden layers from text: ``"32, 16"`` is two Dense layers; ``"64, d0.5, 32"`` puts Dropout(0.5) between.

    ``dropout`` > 0 adds a Dropout layer of that rate after every Dense layer.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of: {', '.join(ACTIVATIONS)}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"the dropout rate must be in [0, 1), got {dropout}")
    layers: list[Layer] = []
    for token in (t.strip() for t in text.replace(";", ",").split(",")):
        if not token:
            continue
        match = re.fullmatch(r"(?:d|dropout\s*)(0?\.\d+)", token, re.IGNORECASE)
        if match:
            layers.append(Layer("dropout", rate=float(match.group(1))))
            continue
        if not token.isdigit() or not 1 <= int(token) <= MAX_UNITS:
            raise ValueError(f"cannot read the layer {token!r}: write units as whole numbers from 1 to {MAX_UNITS} "
                             "and dropout as d0.3, separated by commas (e.g. 32, d0.3, 16)")
        layers.append(Layer("dense", int(token), activation))
        if dropout > 0:
            layers.append(Layer("dropout", rate=dropout))
    if sum(layer.kind == "dense" for layer in layers) > MAX_LAYERS:
        raise ValueError(f"at most {MAX_LAYERS} hidden Dense layers")
    return tuple(layers)


def summary_rows(spec: ModelSpec) -> list[dict]:
    """The layer table of the model the spec describes, counted without building it (as model.summary() does)."""
    rows, width, seen = [], spec.n_inputs, {"dense": 0, "dropout": 0}
    out = spec.output
    for kind, units, rate in [(layer.kind, layer.units, layer.rate) for layer in spec.hidden] + [("dense", out.units, 0)]:
        name = kind if seen[kind] == 0 else f"{kind}_{seen[kind]}"
        seen[kind] += 1
        if kind == "dense":
            rows.append({"layer": name, "type": "Dense", "output shape": f"(batch, {units})",
                         "parameters": width * units + units})
            width = units
        else:
            rows.append({"layer": name, "type": "Dropout", "output shape": f"(batch, {width})", "parameters": 0})
    return rows


def count_parameters(spec: ModelSpec) -> int:
    """The number of weights and biases of the model (each Dense layer: inputs × units + units)."""
    return sum(row["parameters"] for row in summary_rows(spec))


def check_training(spec: TrainSpec) -> None:
    """Refuse settings Keras would choke on, with a message a student can act on."""
    if spec.optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {spec.optimizer!r}; choose one of: {', '.join(OPTIMIZERS)}")
    if not 0 < spec.learning_rate <= 10:
        raise ValueError(f"the learning rate must be in (0, 10], got {spec.learning_rate}")
    if not 1 <= spec.batch_size <= 4096 or not 1 <= spec.epochs <= 1000:
        raise ValueError("the batch size must be 1–4096 and the epochs 1–1000")
    if not 0.0 <= spec.validation_split < 0.9:
        raise ValueError(f"the validation split must be in [0, 0.9), got {spec.validation_split}")
    if spec.early_stopping and spec.monitor.startswith("val_") and spec.validation_split == 0:
        raise ValueError(f"early stopping on {spec.monitor} needs a validation split above 0")


def optimizer_code(spec: TrainSpec) -> str:
    lr = repr(float(spec.learning_rate))
    return {
        "adam": f"keras.optimizers.Adam(learning_rate={lr})",
        "sgd": f"keras.optimizers.SGD(learning_rate={lr})",
        "momentum": f"keras.optimizers.SGD(learning_rate={lr}, momentum=0.9)",
        "rmsprop": f"keras.optimizers.RMSprop(learning_rate={lr})",
    }[spec.optimizer]


def code(model: ModelSpec, train: TrainSpec, log_dir: str = "runs/my-run/logs") -> str:
    """The Keras code that builds and trains exactly this model (shown on the page, copyable)."""
    out = model.output
    lines = [
        "import keras",
        "from keras import layers",
        "",
        f"keras.utils.set_random_seed({train.seed})  # same weights, shuffling and dropout every run",
        "model = keras.Sequential([",
        f"    keras.Input(shape=({model.n_inputs},)),",
    ]
    for layer in model.hidden:
        if layer.kind == "dense":
            lines.append(f'    layers.Dense({layer.units}, activation="{layer.activation}"),')
        else:
            lines.append(f"    layers.Dropout({layer.rate!r}),")
    lines += [
        f'    layers.Dense({out.units}, activation="{out.activation}"),',
        "])",
        "model.compile(",
        f"    optimizer={optimizer_code(train)},",
        f'    loss="{out.loss}",',
        f"    metrics={list(out.metrics)!r},",
        ")",
        "model.summary()",
        "",
        f'callbacks = [keras.callbacks.TensorBoard(log_dir="{log_dir}")]',
    ]
    if train.early_stopping:
        lines.append(f'callbacks.append(keras.callbacks.EarlyStopping(monitor="{train.monitor}", '
                     f"patience={train.patience}, restore_best_weights={train.restore_best_weights}))")
    lines += [
        "history = model.fit(",
        "    X_train, y_train,",
        f"    validation_split={train.validation_split!r},",
        f"    batch_size={train.batch_size},",
        f"    epochs={train.epochs},",
        "    callbacks=callbacks,",
        ")",
        "model.evaluate(X_test, y_test)",
    ]
    return "\n".join(lines) + "\n"
