"""Each lesson's questions for a live class, in the page's own terms, each tied to one of its presets.

``preset`` is what Reveal shows every follower: the page (its address), the prefix of its settings, and the
settings as a link holds them.
"""

from __future__ import annotations

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
    "playground": [
        {"text": "Can a network with no hidden layer separate XOR (inputs x₁, x₂ only)?", "kind": "choice",
         "options": ["yes", "no"], "answer": "no", "preset": {}},
    ],
}


def for_page(url_path: str) -> list[dict]:
    """The questions a teacher can ask on this page (none for a page without any)."""
    return QUESTIONS.get(url_path, [])
