"""The Keras page's plan, outside a page: what its settings make of a table, and the messages they get."""

from types import SimpleNamespace

import pytest

from nnviz import tabular
from nnviz.keras import budget
from nnviz.keras import spec as kspec
from nnviz.ui import keras_view as view

pytestmark = pytest.mark.tensorflow

DEFAULTS = dict(categorical="onehot", scaler="minmax", test_fraction=0.2, layers="32, 16", activation="relu",
                dropout=0.2, optimizer="adam", learning_rate=0.001, batch_size=128, epochs=20, validation_split=0.2,
                early_stopping=True, monitor="val_loss", patience=5, restore_best=True, seed=42, fills="")


def _plan(data="iris", **changes):
    table = view.bundled(data)
    gaps = tabular.gaps(table.frame, table.target)
    return view.plan(data, table.frame, table.target, table.task, SimpleNamespace(**{**DEFAULTS, **changes}), gaps)


def test_the_plan_prepares_the_table_and_sizes_the_network_for_it():
    plan = _plan(test_fraction=0.3)
    assert plan.prepared.X_train.shape == (105, 4) and plan.prepared.X_test.shape == (45, 4)
    assert plan.model.n_inputs == 4 and plan.model.output.units == 3
    assert plan.n_parameters == (4 * 32 + 32) + (32 * 16 + 16) + (16 * 3 + 3) == kspec.count_parameters(plan.model)
    assert plan.over_budget is None and plan.time_warning() is None and plan.fills == {}


def test_the_loan_plan_uses_the_missing_value_choices_and_the_courses_own_elsewhere():
    plan = _plan("loan_default", fills="mort_acc=median;emp_length=not_a_fill")
    assert plan.fills["mort_acc"] == "median" and plan.fills["emp_length"] == "most_frequent"
    assert plan.fills["revol_util"] == "group_mean:total_acc"


def test_a_network_over_the_budget_is_planned_but_refused_and_bad_layers_get_a_message():
    plan = _plan(layers=",".join(["1024"] * 8))
    assert plan.n_parameters > budget.MAX_PARAMETERS and f"{budget.MAX_PARAMETERS:,}" in plan.over_budget
    with pytest.raises(ValueError, match="cannot read the layer"):
        _plan(layers="32, banana")


def test_outside_a_page_run_nothing_asks_for_a_rerun():
    assert view.rerun_asked() is False and view.in_section_run() is False
    assert view.name_problem("iris-8") is None and "cannot be a run name" in view.name_problem("..")
