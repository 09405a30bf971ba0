"""The loss-curve explorer in AppTest, on runs written straight into the run store (no TensorFlow needed)."""

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nnviz import curves
from nnviz.keras.runs import RunStore
from nnviz.ui import settings

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "lessons" / "loss_curves.py")

TRAIN = list(np.linspace(1.0, 0.1, 12) + 0.05 * np.sin(np.arange(12)))
VAL = list(np.concatenate([np.linspace(1.0, 0.4, 6), np.linspace(0.45, 0.9, 6)]))


def _store_runs():
    store = RunStore()
    for name, session, stop in (("overfit", "alice", None), ("early", "bob", 8)):
        staging = store.staging()
        (staging / "model.keras").write_bytes(b"not really a model")
        n = stop or 12
        store.commit(staging, name, {"data": "iris", "early_stopping_epoch": stop},
                     {"loss": TRAIN[:n], "val_loss": VAL[:n], "accuracy": [0.5] * n},
                     [0.5 * (i + 1) for i in range(n)], session)
    return store


def _overlay(at):
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def test_no_runs_says_where_to_train():
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    assert "No runs yet" in at.info[0].value


def test_runs_overlaid_smoothed_over_raw_with_best_and_early_stop_marked():
    _store_runs()
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    spec = _overlay(at)
    traces = {t["name"]: t for t in spec["data"]}
    np.testing.assert_allclose(traces["overfit validation"]["y"], curves.smooth(VAL, 0.6))
    np.testing.assert_allclose(traces["overfit validation (raw)"]["y"], VAL)
    assert "rgba" in traces["overfit train (raw)"]["line"]["color"]  # the raw curve is faint
    assert traces["overfit best epoch 6"]["x"] == [6]
    assert any("early stop early" in a.get("text", "") for a in spec["layout"]["annotations"])
    table = at.dataframe[0].value.set_index("run")
    assert table.loc["overfit", "diagnosis"] == "Overfitting from epoch 6"
    assert table.loc["early", "how it ended"] == "early stopping at epoch 8"
    assert table.loc["overfit", "how it ended"] == "all epochs run"

    at.slider(key="curves.smoothing").set_value(0.0).run()
    np.testing.assert_allclose({t["name"]: t for t in _overlay(at)["data"]}["overfit validation"]["y"], VAL)
    at.checkbox(key="curves.log_y").check().run()
    assert _overlay(at)["layout"]["yaxis"]["type"] == "log"
    at.radio(key="curves.x_axis").set_value("wall time").run()
    spec = _overlay(at)
    assert {t["name"]: t for t in spec["data"]}["early train"]["x"][:2] == [0.5, 1.0]
    assert spec["layout"]["xaxis"]["title"]["text"] == "wall time (s)"
    assert at.query_params["smoothing"] == "0.0" and at.query_params["x_axis"] == "wall time"


def test_only_the_creating_session_may_rename_or_delete():
    store = _store_runs()
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["keras.session"] = "alice"
    at.run()
    at.selectbox(key="curves.manage").set_value("early").run()
    assert at.button(key="curves.delete").disabled  # bob's run
    at.selectbox(key="curves.manage").set_value("overfit").run()
    assert not at.button(key="curves.delete").disabled
    at.text_input(key="curves.new_name").input("../../evil name").run()
    at.button(key="curves.rename").click().run()
    assert not at.exception
    assert sorted(r.name for r in store.list()) == ["early", "evil-name"]
    at.selectbox(key="curves.manage").set_value("evil-name").run()
    at.button(key="curves.delete").click().run()
    assert [r.name for r in store.list()] == ["early"]
    assert "tensorboard --logdir" in at.code[0].value


def test_presets_change_the_smoothing_and_reset():
    _store_runs()
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.button(key="curves.preset.Smooth 0.95").click().run()
    assert at.slider(key="curves.smoothing").value == pytest.approx(0.95)
    at.button(key="curves.preset.reset").click().run()
    assert at.slider(key="curves.smoothing").value == pytest.approx(0.6)


@pytest.mark.parametrize("raw", ["5", "-1", "1e308", "1_0", "nan", "abc"])
def test_a_bad_smoothing_in_the_link_is_named_and_the_page_still_draws(raw):
    _store_runs()
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["smoothing"] = raw
    at.run()
    assert not at.exception and not at.error
    assert "Smoothing (TensorBoard's weight)" in at.warning[0].value
    assert "the default ` 0.6 ` is used" in at.warning[0].value
    assert at.slider(key="curves.smoothing").value == pytest.approx(0.6)
    assert len(at.get("plotly_chart")) == 1 and len(at.dataframe) == 1  # chart and runs table drawn
    assert at.download_button  # downloads too


def test_a_repeated_setting_in_the_link_is_named():
    _store_runs()
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["smoothing"] = ["0.1", "0.2"]
    at.run()
    assert not at.exception
    assert "given more than once" in at.warning[0].value
    assert len(at.get("plotly_chart")) == 1


def test_the_chosen_runs_are_in_the_link_and_the_link_opens_exactly_them():
    _store_runs()
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert at.multiselect(key="curves.runs").value == ["overfit", "early"]
    at.multiselect(key="curves.runs").set_value(["early"]).run()
    assert at.query_params["runs"] == "early"
    shared = AppTest.from_file(PAGE, default_timeout=60)  # another session opens the copied link
    shared.query_params["runs"] = "early"
    shared.run()
    assert not shared.exception and not shared.warning
    assert shared.multiselect(key="curves.runs").value == ["early"]
    assert {t["name"] for t in _overlay(shared)["data"]} >= {"early train", "early validation"}
    assert not any(t["name"].startswith("overfit") for t in _overlay(shared)["data"])
    assert list(shared.dataframe[0].value["run"]) == ["early"]


@pytest.mark.parametrize("ghost", ["ghost", "[log in](http://example.invalid)", "`x`"])
def test_a_run_the_link_names_that_is_not_stored_is_named_and_the_others_are_kept(ghost):
    _store_runs()
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["runs"] = f"{ghost},early"
    at.run()
    assert not at.exception and not at.error
    message = " ".join(w.value for w in at.warning)
    assert "Runs (from every session, stored on disk)" in message
    assert settings.shown(ghost) in message  # the name as the link had it, literally
    assert at.multiselect(key="curves.runs").value == ["early"]
    assert at.query_params["runs"] == "early"


def test_a_link_naming_only_runs_that_are_not_stored_shows_the_latest_runs():
    _store_runs()
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["runs"] = "ghost"
    at.run()
    assert not at.exception
    assert "ghost" in " ".join(w.value for w in at.warning)
    assert at.multiselect(key="curves.runs").value == ["overfit", "early"]


def test_a_link_with_more_runs_than_fit_or_a_repeated_run_is_named():
    _store_runs()
    for raw, words in ((",".join(["early"] * 2), "named twice"), (",".join(f"r{i}" for i in range(300)), "long")):
        at = AppTest.from_file(PAGE, default_timeout=60)
        at.query_params["runs"] = raw
        at.run()
        assert not at.exception
        assert words in " ".join(w.value for w in at.warning)
        assert at.multiselect(key="curves.runs").value == ["overfit", "early"]


def test_each_runs_whole_diagnosis_is_written_out_below_the_table():
    _store_runs()
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    expected = {name: curves.diagnose(TRAIN[:n], VAL[:n]).message for name, n in (("overfit", 12), ("early", 8))}
    text = "\n".join(m.value for m in at.markdown)
    for name, message in expected.items():
        assert f"- {settings.shown(name)} — {message}" in text  # the whole sentence, nowhere cut
    table = at.dataframe[0].value.set_index("run")
    assert all(len(v) <= 30 for v in table["diagnosis"])  # the table keeps a few words that fit its cell


def test_the_legend_sits_below_the_plot_and_names_each_run_once():
    store = _store_runs()
    for name in ("third-run-with-a-long-name", "fourth"):
        staging = store.staging()
        store.commit(staging, name, {"data": "iris"}, {"loss": TRAIN, "val_loss": VAL}, [0.5] * 12, "carol")
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["runs"] = "overfit,early,third-run-with-a-long-name,fourth"
    at.run()
    layout = _overlay(at)["layout"]
    legend = layout["legend"]
    # At the figure's foot (Plotly reserves the margin it needs), never above the plot where the title is.
    assert (legend["yref"], legend["y"], legend["yanchor"]) == ("container", 0, "bottom")
    assert layout["title"]["text"].startswith("Loss per epoch")
    shown = [t["name"] for t in _overlay(at)["data"] if t.get("showlegend", True)]
    assert shown == ["training (solid)", "validation (dashed)", "best epoch (★)",
                     "overfit", "early", "third-run-with-a-long-name", "fourth"]


def test_a_run_stopped_by_hand_says_so_and_only_its_whole_epochs_are_drawn_and_diagnosed():
    store = RunStore()
    staging = store.staging()
    # Nine whole epochs, then a tenth cut short by Stop: its loss is the mean of a few batches (a jump).
    train, val = list(np.linspace(0.9, 0.42, 9)) + [0.485], list(np.linspace(0.95, 0.47, 9)) + [0.6]
    store.commit(staging, "stopped", {"data": "iris", "stopped_by_user": True, "epochs_run": 9,
                                      "early_stopping_epoch": None},
                 {"loss": train, "val_loss": val}, [0.5 * (i + 1) for i in range(9)] + [4.7], "alice")
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    table = at.dataframe[0].value.set_index("run")
    assert table.loc["stopped", "how it ended"] == "stopped by hand at epoch 9"
    assert table.loc["stopped", "epochs"] == 9
    traces = {t["name"]: t for t in _overlay(at)["data"]}
    assert traces["stopped train (raw)"]["y"] == pytest.approx(train[:9])
    assert traces["stopped validation (raw)"]["x"] == list(range(1, 10))
    diagnosis = curves.diagnose(train[:9], val[:9])
    text = "\n".join(m.value for m in at.markdown)
    assert diagnosis.message in text and "0.485" not in text  # the cut epoch is not quoted


def test_a_run_this_session_trains_after_a_visit_joins_the_chosen_runs():
    store = _store_runs()
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["runs"] = "early"
    at.run()
    assert at.multiselect(key="curves.runs").value == ["early"]
    staging = store.staging()  # then this session trains a run on the Keras page
    store.commit(staging, "mine", {"data": "iris"}, {"loss": TRAIN, "val_loss": VAL}, [0.5] * 12, "alice")
    at.session_state["keras.box"] = {"my_runs": ["mine"]}
    at.run()
    assert at.multiselect(key="curves.runs").value == ["early", "mine"]
    assert at.query_params["runs"] == "early,mine"
