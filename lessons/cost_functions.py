"""Cost functions: quadratic against cross-entropy, a batch, the learning slowdown, categorical cross-entropy."""

from dataclasses import dataclass

import streamlit as st

from nnviz import probabilities, slowdown
from nnviz.charts import costs as charts
from nnviz.ui import chart, settings
from nnviz.ui.text import typed_numbers

CLASSES = ("Red", "Green", "Blue")


@dataclass(frozen=True)
class Settings:
    a: float = settings.slider(0.8, 0.0, 1.0, 0.01, "output a")
    y: float = settings.slider(0.0, 0.0, 1.0, 0.01, "target y")
    predictions: str = settings.text("0.9, 0.2, 0.6, 0.4", "predictions a (comma-separated)", max_chars=200)
    targets: str = settings.text("1, 0, 1, 0", "targets y (comma-separated)", max_chars=200)
    lr_quadratic: float = settings.number(slowdown.LEARNING_RATES["quadratic"], 0.0, 10.0, 0.01, "η quadratic",
                                          format="%.3f")
    lr_cross_entropy: float = settings.number(slowdown.LEARNING_RATES["cross_entropy"], 0.0, 10.0, 0.001,
                                              "η cross-entropy", format="%.3f")
    epochs: int = settings.slider(slowdown.EPOCHS, 10, 1000, 10, "epochs")
    logits: str = settings.text("2.0, 1.0, 0.1", "logits z for Red, Green, Blue", max_chars=100)
    target_class: str = settings.choice("Red", CLASSES, "true class", widget="radio")


PAGE = settings.Page("costs", Settings)
PRESETS = {
    "Very wrong": {"a": 0.98, "y": 0.0},
    "Nearly right": {"a": 0.05, "y": 0.0},
    "a = 1": {"a": 1.0, "y": 0.0},
    "Same η": {"lr_quadratic": 0.15, "lr_cross_entropy": 0.15},
    "Wrong class": {"logits": "2.0, 1.0, 0.1", "target_class": "Blue"},
}



st.title("Cost functions")
st.markdown(
    "A cost function turns 'how wrong is the output a for the target y' into one number that "
    "training pushes down. Its gradient ∂C/∂a is where backpropagation starts, so the cost decides "
    "how hard each mistake pushes the weights."
)
PAGE.init()
PAGE.presets_bar(PRESETS)


@PAGE.section
def one_output() -> None:
    """Section 1: both costs and their gradients at one output a against one target y."""
    st.header("1 · Quadratic against cross-entropy")
    a_col, y_col = st.columns(2)
    PAGE.widget("a", a_col)
    PAGE.widget("y", y_col)
    a, y = PAGE["a"], PAGE["y"]
    point_costs, point_gradients = {}, {}
    for name in slowdown.COSTS:
        try:
            # Both or neither: the chart marks a point only where its cost and slope exist.
            point_costs[name], point_gradients[name] = (float(slowdown.cost(name, y, a)),
                                                        float(slowdown.cost_gradient(name, y, a)))
        except ValueError as err:
            st.error(str(err))
    curves = {name: slowdown.cost_curve(name, y) for name in slowdown.COSTS}
    st.latex(slowdown.LATEX["quadratic"]
             + rf" = \tfrac12({y:.2f} - {a:.2f})^2 = {point_costs['quadratic']:.4f}, \qquad "
             + slowdown.GRADIENT_LATEX["quadratic"] + rf" = {point_gradients['quadratic']:.3f}")
    if "cross_entropy" in point_costs:
        st.latex(slowdown.LATEX["cross_entropy"] + rf" = {point_costs['cross_entropy']:.4f}, \qquad "
                 + slowdown.GRADIENT_LATEX["cross_entropy"] + rf" = {point_gradients['cross_entropy']:.3f}")
    else:
        st.latex(slowdown.LATEX["cross_entropy"] + r" = \infty")
    chart.show(
        charts.cost_curves(curves["quadratic"][0], {n: c[1] for n, c in curves.items()},
                           {n: c[2] for n, c in curves.items()}, a, y, point_costs, point_gradients),
        key="costs.curves",
    )
    error = abs(y - a)
    half = float(slowdown.cost("quadratic", 0.0, error / 2))
    st.markdown(
        f"Squaring punishes large errors: the error |y − a| = {error:.2f} costs "
        f"**{point_costs['quadratic']:.4f}**, half that error costs only **{half:.4f}** (a quarter). "
        "The cross-entropy grows without bound as a confident answer turns out wrong (a → 1 − y)."
    )


@PAGE.section
def batch() -> None:
    """Section 2: the quadratic cost of a typed batch, example by example."""
    st.header("2 · The cost of a batch")
    st.latex(r"C = \frac{1}{2n} \sum_x \lVert y(x) - a(x) \rVert^2")
    p_col, t_col = st.columns(2)
    PAGE.widget("predictions", p_col)
    PAGE.widget("targets", t_col)
    s = PAGE.values()
    try:
        cost = slowdown.batch_quadratic(typed_numbers(s.targets, "targets"), typed_numbers(s.predictions, "predictions"))
    except ValueError as err:
        st.error(str(err))
        return
    n = len(cost.per_example)
    st.latex(rf"C = \frac{{1}}{{{n}}}\left({' + '.join(f'{v:.3f}' for v in cost.per_example)}\right)"
             rf" = {cost.value:.4f}")
    chart.show(charts.batch(cost.per_example, cost.value), key="costs.batch")


@PAGE.section
def learning_slowdown() -> None:
    """Section 3: one sigmoid neuron trained with each cost from two starts (Nielsen, chapter 3)."""
    st.header("3 · The learning slowdown")
    st.markdown(
        "One sigmoid neuron, input x = 1, should learn to output y = 0 (Nielsen, chapter 3). Started at "
        "(w, b) = (0.6, 0.9) it is only somewhat wrong; started at (2, 2) it is saturated and badly wrong. "
        "With the quadratic cost the gradient carries σ′(z), tiny when saturated, so the badly wrong neuron "
        "learns *slowest*. The cross-entropy cancels σ′(z): the more wrong, the faster it learns."
    )
    st.latex(slowdown.WEIGHT_GRADIENT_LATEX["quadratic"] + r" \qquad "
             + slowdown.WEIGHT_GRADIENT_LATEX["cross_entropy"])
    q_col, c_col, e_col = st.columns(3)
    PAGE.widget("lr_quadratic", q_col)
    PAGE.widget("lr_cross_entropy", c_col)
    PAGE.widget("epochs", e_col)
    s = PAGE.values()
    rates = {"quadratic": s.lr_quadratic, "cross_entropy": s.lr_cross_entropy}
    try:
        runs = {f"(w, b) = ({w0:g}, {b0:g})": {name: slowdown.train(name, w0, b0, rates[name], s.epochs)
                                               for name in slowdown.COSTS}
                for w0, b0 in slowdown.STARTS}
    except ValueError as err:
        st.error(str(err))
        return
    chart.show(charts.slowdown(runs), key="costs.slowdown")
    for w0, b0 in slowdown.STARTS:
        gq, _ = slowdown.neuron_gradient("quadratic", w0, b0)
        gc, _ = slowdown.neuron_gradient("cross_entropy", w0, b0)
        slope = r"\left.\frac{\partial C}{\partial w}\right|"
        st.latex(rf"(w, b) = ({w0:g}, {b0:g}):\quad {slope}_{{\text{{quadratic}}}} = {gq:.4f}, \qquad "
                 rf"{slope}_{{\text{{cross-entropy}}}} = {gc:.4f}")
    st.caption("Nielsen used η = 0.15 for the quadratic cost and η = 0.005 for the cross-entropy; "
               "compare the *shapes*: the quadratic curve from (2, 2) stays flat at first, the "
               "cross-entropy curve falls from the first epoch. Try the *Same η* preset.")


@PAGE.section
def categorical() -> None:
    """Section 4: softmax and the categorical cross-entropy of three typed logits."""
    st.header("4 · Categorical cross-entropy")
    st.markdown("Three exclusive classes: softmax turns the logits into p, the target is one-hot, and the "
                "gradient with respect to the logits is simply p − y.")
    st.latex(probabilities.CCE_LATEX)
    l_col, k_col = st.columns(2)
    PAGE.widget("logits", l_col)
    PAGE.widget("target_class", k_col, horizontal=True)
    s = PAGE.values()
    try:
        classes, z = probabilities.named_logits(CLASSES, typed_numbers(s.logits, "logits"))
        target = classes.index(s.target_class)
        cce = probabilities.categorical_cross_entropy(z, target)
    except ValueError as err:
        st.error(str(err))
        return
    st.latex(rf"C = -\ln p_{{\mathrm{{{s.target_class}}}}} = -\ln {cce.p[target]:.4f} = {cce.cost:.4f}")
    chart.show(charts.categorical(classes, cce.p, cce.y, cce.gradient), key="costs.categorical")


one_output()
batch()
learning_slowdown()
categorical()
PAGE.sync()

st.info(
    "**What to notice:** the quadratic cost's gradient is at most 1 and vanishes when the sigmoid "
    "saturates, while the cross-entropy's grows with the mistake; that is why classifiers train "
    "with cross-entropy. In the categorical case the gradient p − y pushes the true class up and "
    "every other class down."
)
