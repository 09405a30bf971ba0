"""The course map: every lesson page, in teaching order, with its section and summary.

``app.py`` builds the navigation from this list, keeping only pages whose file
exists, so the menu never shows a placeholder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Lesson:
    """One page of the course."""

    file: str
    title: str
    icon: str
    section: str
    summary: str

    @property
    def path(self) -> Path:
        return ROOT / "lessons" / self.file

    @property
    def url_path(self) -> str:
        return Path(self.file).stem


COURSE: tuple[Lesson, ...] = (
    Lesson("perceptron.py", "Perceptron", ":material/linear_scale:", "Foundations",
           "One neuron: the weighted sum y = Σ xᵢwᵢ + b, a threshold, a straight decision line, "
           "and Rosenblatt's learning rule, which solves AND and OR but never XOR."),
    Lesson("activations.py", "Activation functions", ":material/show_chart:", "Foundations",
           "Step, sigmoid, tanh, ReLU and friends with their derivatives; softmax for exclusive "
           "classes, sigmoid for non-exclusive ones, and one-hot encoding."),
    Lesson("cost_functions.py", "Cost functions", ":material/functions:", "Foundations",
           "Quadratic cost against binary and categorical cross-entropy: what each punishes, "
           "and why cross-entropy learns faster from a bad start."),
    Lesson("gradient_descent.py", "Gradient descent", ":material/trending_down:", "Learning",
           "Walk downhill on a cost surface: learning rates too small and too large, and the "
           "optimizers SGD, momentum, Nesterov, AdaGrad, RMSProp and Adam raced."),
    Lesson("backpropagation.py", "Backpropagation", ":material/account_tree:", "Learning",
           "The four equations with live numbers: z = wa + b, a = σ(z), the errors δ flowing "
           "backwards, and every gradient checked against finite differences."),
    Lesson("playground.py", "Network playground", ":material/grid_on:", "Learning",
           "Train a small network on 2-D data and watch the decision boundary, every neuron and "
           "every weight change live."),
    Lesson("keras_training.py", "Keras training", ":material/model_training:", "Practice",
           "Build a Keras model for real data (a loan-default project included), train it live, "
           "stop it, evaluate it, and copy the code."),
    Lesson("loss_curves.py", "Loss curves", ":material/monitoring:", "Practice",
           "Read training and validation curves as TensorBoard shows them: smoothing, best "
           "epoch, early stopping, and a diagnosis of under- and overfitting."),
)


def available() -> list[Lesson]:
    """The lessons whose page file exists, in course order."""
    return [lesson for lesson in COURSE if lesson.path.exists()]
