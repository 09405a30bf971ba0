"""The backpropagation page's Streamlit parts beside its settings: the network's numbers as one setting, and
its figures and tables cached by the (hashable) settings they come from.

Figures are pure results of those settings; caching the (never mutated) figure objects spares the rebuild on
every rerun that did not touch them, and freezing them the serialisation too (see the benchmark).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from nnviz import backprop_lesson as lesson
from nnviz.charts import backprop as charts
from nnviz.charts import spec
from nnviz.ui import settings


@dataclass(frozen=True)
class Numbers(settings.Setting):
    """Many numbers as one tuple (the network's weights, biases, input and target; see ``lesson.flatten``).

    No widget of its own: the tables of the network's tab write it. A link holds at most ``max_items``
    numbers, each within ±``bound``; an empty list stands for "drawn from the seed".
    """

    max_items: int = 0
    bound: float = 0.0

    @property
    def link_chars(self) -> int:
        # Every number exactly (repr of a float: at most 24 characters) and its comma.
        return self.max_items * 25

    def parse(self, raw):
        items = raw.split(",") if raw.strip() else []
        if len(items) > self.max_items:
            raise ValueError(f"it holds {len(items):,} numbers; at most {self.max_items} fit")
        return tuple(settings.Number(self.label, 0.0).parse(item) for item in items)

    def check(self, value):
        if not isinstance(value, (tuple, list)):
            raise ValueError(f"{settings.shown(value)} is not a list of numbers")
        if len(value) > self.max_items:
            raise ValueError(f"it holds {len(value):,} numbers; at most {self.max_items} fit")
        bounded = settings.Number(self.label, 0.0, low=-self.bound, high=self.bound)
        return tuple(bounded.check(v) for v in value)

    def encode(self, value):
        return ",".join(repr(float(v)) for v in value)


def numbers(default, label, *, max_items, bound):
    """A :class:`Numbers` setting (a field of a page's ``Settings``)."""
    declaration = Numbers(label, tuple(default), None, False, max_items, bound)
    return dataclasses.field(default=tuple(default), metadata={settings.DECLARATION: declaration})


@st.cache_data(max_entries=64, show_spinner=False)
def gradient_check(sizes, acts, values, loss) -> pd.DataFrame:
    """The gradient check of the network as a table: every parameter, backprop beside the finite difference."""
    net, x, y = lesson.unflatten(sizes, values, acts)
    return pd.DataFrame(
        [(r.name, r.analytic, r.numeric, r.relative_error) for r in lesson.gradient_check(net, x, y, loss)],
        columns=["parameter", "backprop ∂C/∂p", "finite difference", "relative error"],
    )


@st.cache_resource(max_entries=64, show_spinner=False)
def training(sizes, acts, values, loss, lr, steps):
    """N steps of gradient descent on the network: the run, its cost figure and its parameter paths' figure."""
    net, x, y = lesson.unflatten(sizes, values, acts)
    run = lesson.train(net, x, y, loss, lr, steps)
    return (run, spec.frozen(charts.cost_figure(run.costs, run.diverged_at)),
            spec.frozen(charts.parameter_paths_figure(run.path, run.names)))


@st.cache_resource(max_entries=64, show_spinner=False)
def chain_figure(x, y, params):
    """The chain's diagram; ``params`` as (name, value) pairs."""
    return spec.frozen(charts.chain_figure(lesson.chain(x, y, dict(params))))


@st.cache_resource(max_entries=64, show_spinner=False)
def sensitivity_figure(x, y, params, name, eps):
    """C₀ as parameter ``name`` sweeps, its tangent and the nudge by ε; ``params`` as (name, value) pairs."""
    params = dict(params)
    sens = lesson.sensitivity(x, y, params, name, eps)
    values, costs = lesson.chain_cost_curve(x, y, params, name)
    return spec.frozen(charts.sensitivity_figure(values, costs, name, params[name], sens.cost, sens.gradient, eps))


@st.cache_resource(max_entries=64, show_spinner=False)
def step_figure(sizes, acts, values, loss, lr, stage):
    """The network at one step of the pass."""
    net, x, y = lesson.unflatten(sizes, values, acts)
    return spec.frozen(charts.step_figure(lesson.walk(net, x, y, loss, lr), stage))


@st.cache_resource(max_entries=64, show_spinner=False)
def exercise_figure(sizes, acts, values, loss, lr):
    """The network after its forward pass, for an exercise."""
    net, x, y = lesson.unflatten(sizes, values, acts)
    return spec.frozen(charts.exercise_figure(lesson.walk(net, x, y, loss, lr)))


def editor(table: lesson.Table, key: str, where=None) -> list:
    """One table of the network's numbers as an editor (in ``where``); its cells as edited, row by row."""
    frame = pd.DataFrame([list(row) for row in table.cells], columns=list(table.columns),
                         index=pd.RangeIndex(1, len(table.cells) + 1, name=table.index))
    edited = (st if where is None else where).data_editor(
        frame, key=key, num_rows="fixed", width="stretch",
        column_config={c: st.column_config.NumberColumn(c, format="%.6g", step=0.01) for c in frame.columns},
    )
    return edited.to_numpy().tolist()


@dataclass(frozen=True)
class NumberEditors:
    """The network's numbers as editable tables, laid out in rows (a layer's [W | b] each, then x and y).

    Editors start from the numbers they were last drawn for. Numbers changed elsewhere (a preset, the update
    step, a link, another tab) start a fresh generation of editors (new keys), so that old cell edits are not
    replayed on top of them. Session-state keys begin with ``key``.
    """

    key: str

    def draw(self, sizes, numbers: tuple) -> dict:
        """The editors; their cells as edited, by table name (see ``lesson.from_tables``)."""
        if st.session_state.get(f"{self.key}._written") != numbers:
            st.session_state[f"{self.key}._base"] = numbers
        base = st.session_state[f"{self.key}._base"]
        generation = abs(hash(base)) % 10**8
        per_row = 3 if max(sizes) <= 3 else 2
        columns = []
        for start in range(0, len(sizes), per_row):
            columns += st.columns(per_row)[:len(sizes) - start]
        cells = {}
        for table in lesson.editor_tables(sizes, base):  # x and y share the last column
            with columns[min(len(cells), len(columns) - 1)]:
                if table.caption:
                    st.caption(table.caption)
                cells[table.name] = editor(table, f"{self.key}.edit.{generation}.{table.name}")
        return cells

    def written(self, numbers: tuple) -> None:
        """The numbers the page now holds, the editors' included: no new generation for them."""
        st.session_state[f"{self.key}._written"] = numbers

    def forget(self) -> None:
        """Streamlit forgets the cell edits of editors it did not draw: next time, start them from the numbers."""
        st.session_state.pop(f"{self.key}._written", None)
