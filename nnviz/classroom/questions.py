"""Each lesson's questions for a live class, in the page's own terms, each tied to one of its presets.

``preset`` is what Reveal shows every follower: the page (its address), the prefix of its settings, and the
settings as a link holds them. A question is multiple choice (``options``, ``answer`` one of them), a number
(``answer`` computed by nnviz itself, right within ``tolerance``), or a point on a chart (see
:func:`overfit_question`, built from the runs on the teacher's screen when asked).
"""

from __future__ import annotations

import functools


@functools.cache
def mazur_gradient() -> float:
    """∂C/∂w³₁₁ of Mazur's example (2-2-2, sigmoid, quadratic cost), as the Backpropagation page computes it."""
    from nnviz import backprop_lesson as lesson

    sizes, acts = (2, 2, 2), ("sigmoid", "sigmoid")
    net, x, y = lesson.unflatten(sizes, lesson.MAZUR_VALUES, acts)
    return float(lesson.walk(net, x, y, "quadratic", 0.5).dW(3)[0, 0])


@functools.cache
def very_wrong_cross_entropy() -> float:
    """The cross-entropy C of output a = 0.98 for target y = 0 (the Cost functions page's "Very wrong")."""
    from nnviz import slowdown

    return float(slowdown.cost("cross_entropy", 0.0, 0.98))


QUESTIONS: dict[str, list[dict]] = {
    "gradient_descent": [
        {"text": "η = 1.12 on the parabola C(w) = (w − 2)²: converges, oscillates or diverges?", "kind": "choice",
         "options": ["converges", "oscillates", "diverges"], "answer": "diverges",
         "preset": {"page": "gradient_descent", "prefix": "gd",
                    "params": {"cost": "parabola", "w0": "-2.0", "lr": "1.12", "steps": "40"}}},
        {"text": "η = 0.891 on the same parabola: converges, oscillates or diverges?", "kind": "choice",
         "options": ["converges without oscillating", "converges while oscillating", "diverges"],
         "answer": "converges while oscillating",
         "preset": {"page": "gradient_descent", "prefix": "gd",
                    "params": {"cost": "parabola", "w0": "-2.0", "lr": "0.891", "steps": "40"}}},
        {"text": "In the zig-zag valley, which optimizer reaches the minimum first?", "kind": "choice",
         "options": ["SGD", "Momentum", "Adam"], "answer": "Momentum",
         "preset": {"page": "gradient_descent", "prefix": "gd",
                    "params": {"section": "Two weights: the race", "surface": "valley", "x0": "-4.5", "y0": "1.5",
                               "lr_sgd": "0.447", "lr_momentum": "0.1", "lr_adam": "0.1", "race_steps": "100"}}},
    ],
    "perceptron": [
        {"text": "Will Rosenblatt's rule ever get every XOR example right?", "kind": "choice",
         "options": ["yes, with enough epochs", "yes, with a smaller learning rate", "never"], "answer": "never",
         "preset": {"page": "perceptron", "prefix": "perceptron",
                    "params": {"dataset": "xor", "lr": "0.1", "epochs": "30"}}},
        {"text": "w₁ = w₂ = 1, b = −1.5 with a step: which gate is this neuron?", "kind": "choice",
         "options": ["AND", "OR", "XOR", "NAND"], "answer": "AND",
         "preset": {"page": "perceptron", "prefix": "perceptron",
                    "params": {"x1": "1.0", "x2": "1.0", "w1": "1.0", "w2": "1.0", "b": "-1.5"}}},
    ],
    "activations": [
        {"text": "Which function's derivative is nearly zero for z = 8?", "kind": "choice",
         "options": ["sigmoid", "ReLU", "linear"], "answer": "sigmoid",
         "preset": {"page": "activations", "prefix": "activations",
                    "params": {"functions": "sigmoid,relu,linear", "z_range": "-10.0,10.0"}}},
    ],
    "backpropagation": [
        {"text": "Mazur's example (2-2-2, sigmoid, quadratic cost), step 4: what is ∂C/∂w³₁₁, the gradient of the "
                 "weight from hidden neuron 1 to output neuron 1 (Mazur's w₅)? Three decimals are enough.",
         "kind": "number", "answer": mazur_gradient, "tolerance": 6e-4,
         "preset": {"page": "backpropagation", "prefix": "backprop",
                    "params": {"section": "A real network, step by step", "stage": "gradients"}}},
        {"text": "The saturated neuron (w₃ = 6, b₃ = 4, target y = 0): the last neuron is badly wrong. "
                 "Its gradient ∂C₀/∂w₃ is…", "kind": "choice",
         "options": ["close to 0: σ′(z₃) is tiny", "large: the error is large", "exactly a⁽³⁾ − y"],
         "answer": "close to 0: σ′(z₃) is tiny",
         "preset": {"page": "backpropagation", "prefix": "backprop",
                    "params": {"w3": "6.0", "b3": "4.0", "y": "0.0", "nudge": "w3"}}},
    ],
    "cost_functions": [
        {"text": "Output a = 0.98 for target y = 0: what is the cross-entropy C? Two decimals are enough.",
         "kind": "number", "answer": very_wrong_cross_entropy, "tolerance": 0.006,
         "preset": {"page": "cost_functions", "prefix": "costs", "params": {"a": "0.98", "y": "0.0"}}},
        {"text": "The same η = 0.15 for both costs: which one brings the badly wrong neuron, started at "
                 "(w, b) = (2, 2), down to its target first?", "kind": "choice",
         "options": ["quadratic", "cross-entropy", "both together"], "answer": "cross-entropy",
         "preset": {"page": "cost_functions", "prefix": "costs",
                    "params": {"lr_quadratic": "0.15", "lr_cross_entropy": "0.15"}}},
    ],
    "keras_training": [
        {"text": "Two hidden layers of 256, no dropout, 60 epochs on breast cancer: after the first epochs, the "
                 "validation loss…", "kind": "choice",
         "options": ["keeps falling with the training loss", "bottoms out, then rises while the training loss falls",
                     "rises from the first epoch"],
         "answer": "bottoms out, then rises while the training loss falls",
         "preset": {"page": "keras_training", "prefix": "keras",
                    "params": {"data": "breast_cancer", "layers": "256, 256", "dropout": "0.0", "batch_size": "16",
                               "epochs": "60", "validation_split": "0.3", "test_fraction": "0.3",
                               "early_stopping": "0"}}},
        {"text": "Early stopping with patience 8 and “restore best weights”: which weights does the model keep?",
         "kind": "choice",
         "options": ["the last epoch's", "those of the epoch with the lowest validation loss", "the first epoch's"],
         "answer": "those of the epoch with the lowest validation loss",
         "preset": {"page": "keras_training", "prefix": "keras",
                    "params": {"data": "breast_cancer", "layers": "256, 256", "dropout": "0.0", "batch_size": "16",
                               "epochs": "60", "validation_split": "0.3", "test_fraction": "0.3",
                               "early_stopping": "1", "patience": "8", "restore_best": "1"}}},
    ],
    "loss_curves": [
        {"text": "Which run overfits, and from which epoch? Click its validation curve at that epoch.",
         "kind": "point", "preset": {}},
    ],
    "playground": [
        {"text": "Can a network with no hidden layer separate XOR (inputs x₁, x₂ only)?", "kind": "choice",
         "options": ["yes", "no"], "answer": "no", "preset": {}},
    ],
}


def for_page(url_path: str) -> list[dict]:
    """The questions a teacher can ask on this page (none for a page without any), answers computed."""
    return [{**item, "answer": item["answer"]() if callable(item.get("answer")) else item.get("answer")}
            for item in QUESTIONS.get(url_path, [])]


OVERFIT_TOLERANCE = 1  # epochs either side of the right one that count as right


def overfit_question(runs: dict[str, dict]) -> dict:
    """"Which run overfits, from which epoch?" on the runs shown: name → {"loss": [...], "val_loss": [...],
    "baseline": the loss of a constant prediction or None}, per epoch as the run's history holds them.

    The answer is nnviz's own diagnosis, as the Loss curves page shows it (:func:`nnviz.curves.diagnose`): the one
    run it finds overfitting and the epoch its validation loss was lowest. ``ValueError`` in words when the runs
    shown do not make the question (fewer than two runs, not exactly one overfitting, a run with no validation loss).
    """
    from nnviz import curves

    if len(runs) < 2:
        raise ValueError("Show at least two runs with a validation loss to ask which one overfits.")
    overfitting = []
    for name, history in runs.items():
        if not history.get("val_loss"):
            raise ValueError(f"The run {name} has no validation loss.")
        diagnosis = curves.diagnose(history.get("loss", []), history["val_loss"], baseline=history.get("baseline"))
        if diagnosis.kind == "overfitting":
            overfitting.append((name, diagnosis.epoch))
    if len(overfitting) != 1:
        raise ValueError("Exactly one of the runs shown must overfit for this question "
                         f"({len(overfitting)} do now): choose the runs to compare first.")
    name, epoch = overfitting[0]
    return {"text": "Which run overfits, and from which epoch? Click its validation curve at that epoch.",
            "kind": "point", "options": list(runs), "answer": [name, int(epoch)], "tolerance": OVERFIT_TOLERANCE,
            "curves": {n: [float(v) for v in h["val_loss"]] for n, h in runs.items()}, "preset": {}}
