"""Cost functions: quadratic against cross-entropy, a batch, the learning slowdown, categorical cross-entropy."""

from dataclasses import dataclass

import streamlit as st

from nnviz import encoding, probabilities, slowdown
from nnviz.charts import costs as charts
from nnviz.ui import limits, state

PREFIX = "costs"
CLASSES = ("Red", "Green", "Blue")


@dataclass(frozen=True)
class Settings:
    a: float = 0.8
    y: float = 0.0
    predictions: str = "0.9, 0.2, 0.6, 0.4"
    targets: str = "1, 0, 1, 0"
    lr_quadratic: float = slowdown.LEARNING_RATES["quadratic"]
    lr_cross_entropy: float = slowdown.LEARNING_RATES["cross_entropy"]
    epochs: int = slowdown.EPOCHS
    logits: str = "2.0, 1.0, 0.1"
    target_class: str = "Red"


DEFAULTS = Settings()
RULES = {"a": (0.0, 1.0), "y": (0.0, 1.0), "lr_quadratic": (0.0, 10.0), "lr_cross_entropy": (0.0, 10.0),
         "epochs": (10, 1000), "target_class": limits.options(CLASSES)}
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
state.init(PREFIX, DEFAULTS)
limits.enforce(PREFIX, DEFAULTS, RULES)
state.presets_bar(PREFIX, DEFAULTS, PRESETS)

st.header("1 · Quadratic against cross-entropy")
a_col, y_col = st.columns(2)
a_col.slider("output a", 0.0, 1.0, step=0.01, key=state.key(PREFIX, "a"))
y_col.slider("target y", 0.0, 1.0, step=0.01, key=state.key(PREFIX, "y"))
settings = state.current(PREFIX, Settings)
a, y = settings.a, settings.y
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
st.plotly_chart(
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

st.header("2 · The cost of a batch")
st.latex(r"C = \frac{1}{2n} \sum_x \lVert y(x) - a(x) \rVert^2")
p_col, t_col = st.columns(2)
p_col.text_input("predictions a (comma-separated)", key=state.key(PREFIX, "predictions"))
t_col.text_input("targets y (comma-separated)", key=state.key(PREFIX, "targets"))
settings = state.current(PREFIX, Settings)
try:
    batch = slowdown.batch_quadratic(encoding.parse_numbers(settings.targets, "targets"),
                                     encoding.parse_numbers(settings.predictions, "predictions"))
except ValueError as err:
    st.error(str(err))
else:
    n = len(batch.per_example)
    st.latex(rf"C = \frac{{1}}{{{n}}}\left({' + '.join(f'{v:.3f}' for v in batch.per_example)}\right)"
             rf" = {batch.value:.4f}")
    st.plotly_chart(charts.batch(batch.per_example, batch.value), key="costs.batch")

st.header("3 · The learning slowdown")
st.markdown(
    "One sigmoid neuron, input x = 1, should learn to output y = 0 (Nielsen, chapter 3). Started at "
    "(w, b) = (0.6, 0.9) it is only somewhat wrong; started at (2, 2) it is saturated and badly wrong. "
    "With the quadratic cost the gradient carries σ′(z), tiny when saturated, so the badly wrong neuron "
    "learns *slowest*. The cross-entropy cancels σ′(z): the more wrong, the faster it learns."
)
st.latex(slowdown.WEIGHT_GRADIENT_LATEX["quadratic"] + r" \qquad " + slowdown.WEIGHT_GRADIENT_LATEX["cross_entropy"])
q_col, c_col, e_col = st.columns(3)
q_col.number_input("η quadratic", 0.0, 10.0, step=0.01, format="%.3f", key=state.key(PREFIX, "lr_quadratic"))
c_col.number_input("η cross-entropy", 0.0, 10.0, step=0.001, format="%.3f",
                   key=state.key(PREFIX, "lr_cross_entropy"))
e_col.slider("epochs", 10, 1000, step=10, key=state.key(PREFIX, "epochs"))
settings = state.current(PREFIX, Settings)
rates = {"quadratic": settings.lr_quadratic, "cross_entropy": settings.lr_cross_entropy}
try:
    runs = {f"(w, b) = ({w0:g}, {b0:g})": {name: slowdown.train(name, w0, b0, rates[name], settings.epochs)
                                           for name in slowdown.COSTS}
            for w0, b0 in slowdown.STARTS}
except ValueError as err:
    st.error(str(err))
else:
    st.plotly_chart(charts.slowdown(runs), key="costs.slowdown")
    for w0, b0 in slowdown.STARTS:
        gq, _ = slowdown.neuron_gradient("quadratic", w0, b0)
        gc, _ = slowdown.neuron_gradient("cross_entropy", w0, b0)
        st.latex(rf"(w, b) = ({w0:g}, {b0:g}):\quad \left.\frac{{\partial C}}{{\partial w}}\right|_{{\text{{quadratic}}}}"
                 rf" = {gq:.4f}, \qquad \left.\frac{{\partial C}}{{\partial w}}\right|_{{\text{{cross-entropy}}}} = {gc:.4f}")
    st.caption("Nielsen used η = 0.15 for the quadratic cost and η = 0.005 for the cross-entropy; "
               "compare the *shapes*: the quadratic curve from (2, 2) stays flat at first, the "
               "cross-entropy curve falls from the first epoch. Try the *Same η* preset.")

st.header("4 · Categorical cross-entropy")
st.markdown("Three exclusive classes: softmax turns the logits into p, the target is one-hot, and the "
            "gradient with respect to the logits is simply p − y.")
st.latex(probabilities.CCE_LATEX)
l_col, k_col = st.columns(2)
l_col.text_input("logits z for Red, Green, Blue", key=state.key(PREFIX, "logits"))
k_col.radio("true class", CLASSES, horizontal=True, key=state.key(PREFIX, "target_class"))
settings = state.sync(PREFIX, DEFAULTS)
try:
    classes, z = probabilities.named_logits(CLASSES, encoding.parse_numbers(settings.logits, "logits"))
    cce = probabilities.categorical_cross_entropy(z, classes.index(settings.target_class))
except ValueError as err:
    st.error(str(err))
else:
    st.latex(rf"C = -\ln p_{{\mathrm{{{settings.target_class}}}}} = -\ln {cce.p[classes.index(settings.target_class)]:.4f}"
             rf" = {cce.cost:.4f}")
    st.plotly_chart(charts.categorical(classes, cce.p, cce.y, cce.gradient), key="costs.categorical")

st.info(
    "**What to notice:** the quadratic cost's gradient is at most 1 and vanishes when the sigmoid "
    "saturates, while the cross-entropy's grows with the mistake; that is why classifiers train "
    "with cross-entropy. In the categorical case the gradient p − y pushes the true class up and "
    "every other class down."
)
