"""The playground page through AppTest: every control, play / step / reset, the URL, presets, uploads."""

import json
import re
import uuid
import zlib
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nnviz import metrics
from nnviz import playground as pg

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "lessons" / "playground.py")


def open_page(**query):
    at = AppTest.from_file(PAGE, default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def trainer(at) -> pg.Trainer:
    return at.session_state["playground.trainer"]


def payload(at) -> tuple[dict, bytes]:
    """The live canvas's last payload: its JSON header and binary body."""
    (element,) = at.get("bidi_component")
    blob = element.proto.bytes
    n = int.from_bytes(blob[:4], "little")
    return json.loads(blob[4:4 + n]), blob[4 + n:]


def output_frame(at) -> np.ndarray:
    header, body = payload(at)
    frame = header["frames"][-1]
    r = header["res"]
    return np.frombuffer(body[frame["offset"]:frame["offset"] + r * r], np.uint8).reshape(r, r)


def epoch(at) -> str:
    return at.metric[0].value


def test_opens_paused_with_play_button_epoch_and_the_boundary_of_the_trainer():
    at = open_page()
    assert at.button(key="playground.play").label == "▶ Play"
    assert at.metric[0].label == "Epoch" and epoch(at) == "0"
    header, _ = payload(at)
    assert header["replace"] is True and len(header["frames"]) == 1 and header["sizes"] == [2, 4, 2, 1]
    t = trainer(at)
    assert (t.out_act, t.loss_name) == ("tanh", "quadratic")  # TensorFlow Playground's output: −1 … +1
    grid = t.grid_pass()
    expected = np.rint((np.clip(grid.output[0], -1, 1) + 1) * 127.5).astype(np.uint8)
    np.testing.assert_array_equal(output_frame(at), expected)


def test_the_cost_control_switches_two_classes_to_cross_entropy_and_is_absent_where_it_cannot_apply():
    at = open_page()
    assert at.selectbox(key="playground.cost").value == "quadratic"
    assert any(r"\tanh z" in latex.value for latex in at.latex)
    quadratic_loss = trainer(at).metrics[1]
    at.selectbox(key="playground.cost").set_value("cross_entropy").run()
    t = trainer(at)
    assert (t.out_act, t.loss_name) == ("sigmoid", "binary_crossentropy")
    assert t.metrics[1] != quadratic_loss and at.metric[2].value == f"{t.metrics[1]:.4f}"
    assert any(r"\sigma(z)" in latex.value for latex in at.latex)
    grid = t.grid_pass()  # the probability p drawn on the same colour scale as 2p − 1
    expected = np.rint((np.clip(2 * grid.output[0] - 1, -1, 1) + 1) * 127.5).astype(np.uint8)
    np.testing.assert_array_equal(output_frame(at), expected)
    assert at.query_params["cost"] == "cross_entropy"
    # Three blobs: softmax with cross-entropy is the only choice, so there is no control, only its formula.
    at.selectbox(key="playground.dataset").set_value("blobs").run()
    assert not [s for s in at.selectbox if s.key == "playground.cost"]
    assert trainer(at).loss_name == "categorical_crossentropy"
    assert any("softmax" in latex.value for latex in at.latex)


def test_step_trains_one_epoch_and_reset_returns_to_the_same_initial_weights():
    at = open_page()
    start = trainer(at).params.copy()
    before = output_frame(at)
    at.button(key="playground.step_button").click().run()
    assert epoch(at) == "1" and trainer(at).epoch == 1
    assert not np.array_equal(before, output_frame(at))
    at.button(key="playground.step_button").click().run()
    assert epoch(at) == "2"
    at.button(key="playground.reset").click().run()
    assert epoch(at) == "0"
    np.testing.assert_array_equal(trainer(at).params, start)


def test_play_trains_a_tick_of_frames_and_pause_stops():
    at = open_page()
    at.button(key="playground.play").click().run()
    assert not at.exception
    assert at.session_state["playground.playing"] is True
    assert at.button(key="playground.pause").label == "Pause"
    header, _ = payload(at)
    assert header["replace"] is False and len(header["frames"]) >= 1
    assert header["frames"][-1]["epoch"] == trainer(at).epoch > 0
    # Playing, the only epoch counter is the canvas's (the frame it draws): no second one runs ahead of it.
    assert not at.metric
    at.button(key="playground.pause").click().run()
    assert at.session_state["playground.playing"] is False
    assert at.button(key="playground.play").label == "▶ Play"
    header, _ = payload(at)  # paused: the canvas's frame and the page's numbers are the same epoch
    assert int(epoch(at).replace(",", "")) == trainer(at).epoch == header["frames"][-1]["epoch"]


def test_a_crash_while_playing_pauses_and_keeps_its_message_until_play():
    at = open_page()
    broken = trainer(at)

    def planted_bug(epochs):
        raise FloatingPointError("a planted bug in training")

    broken.run = planted_bug  # this session's trainer only
    at.button(key="playground.play").click().run()
    assert not at.exception
    assert at.session_state["playground.playing"] is False
    assert at.button(key="playground.play").label == "▶ Play"
    message = [e.value for e in at.error if "error id" in e.value]
    assert len(message) == 1
    at.run()  # still there on the next run
    assert [e.value for e in at.error if "error id" in e.value] == message
    del broken.run  # the bug is gone: Play clears the message and trains
    at.button(key="playground.play").click().run()
    assert not [e for e in at.error if "error id" in e.value] and trainer(at).epoch > 0
    at.button(key="playground.pause").click().run()
    trainer(at).run = planted_bug
    at.button(key="playground.play").click().run()
    assert [e for e in at.error if "error id" in e.value]
    at.button(key="playground.reset").click().run()  # a new run from the same weights: the message goes
    assert not [e for e in at.error if "error id" in e.value]


# (widget getter, new value, check on the page's trainer / payload)
CONTROLS = [
    ("select_slider", "playground.learning_rate", 0.3,
     lambda at: trainer(at).config.learning_rate == 0.3 and trainer(at).optimizer.learning_rate == 0.3),
    ("selectbox", "playground.activation", "relu", lambda at: trainer(at).hidden_acts == ("relu", "relu")),
    ("selectbox", "playground.regularization", "L2", lambda at: trainer(at).config.regularization == "L2"),
    ("select_slider", "playground.regularization_rate", 0.1,
     lambda at: trainer(at).config.regularization_rate == 0.1),
    ("selectbox", "playground.optimizer", "adam", lambda at: trainer(at).optimizer.name == "adam"),
    ("slider", "playground.batch_size", 25, lambda at: trainer(at).config.batch_size == 25),
    ("selectbox", "playground.dataset", "spiral", lambda at: trainer(at).data.name == "spiral"),
    ("slider", "playground.train_percent", 70, lambda at: len(trainer(at).data.X_train) == 350),
    ("slider", "playground.noise", 30,
     lambda at: np.array_equal(trainer(at).data.X_train, pg.make_data("circle", noise=0.3).X_train)),
    ("number_input", "playground.seed", 4,
     lambda at: np.array_equal(trainer(at).data.X_train, pg.make_data("circle", seed=4).X_train)),
    ("checkbox", "playground.x1_x2", True,
     lambda at: payload(at)[0]["feature_labels"] == ["X₁", "X₂", "X₁X₂"]),
    ("checkbox", "playground.x1", False, lambda at: trainer(at).config.features == ("x2",)),
    ("number_input", "playground.neurons.0", 7, lambda at: payload(at)[0]["sizes"] == [2, 7, 2, 1]),
    ("slider", "playground.dropout", 0.5, lambda at: trainer(at).config.dropout == 0.5),
    ("number_input", "playground.stop_epoch", 300, lambda at: trainer(at).config.stop_epoch == 300),
    ("number_input", "playground.patience", 20, lambda at: trainer(at).config.patience == 20),
    ("checkbox", "playground.show_test", True, lambda at: payload(at)[0]["show_test"] is True),
    ("checkbox", "playground.discretize", True, lambda at: payload(at)[0]["discretize"] is True),
    ("checkbox", "playground.highlight_wrong", True, lambda at: payload(at)[0]["highlight_wrong"] is True),
    ("selectbox", "playground.add_class", 1, lambda at: payload(at)[0]["add_class"] == 1),
    ("selectbox", "playground.layer_act.1", "relu", lambda at: trainer(at).hidden_acts == ("tanh", "relu")),
]


@pytest.mark.parametrize("optimizer,key,name,value", [
    ("momentum", "playground.momentum", "momentum", 0.5), ("nesterov", "playground.momentum", "momentum", 0.7),
    ("rmsprop", "playground.rho", "rho", 0.8), ("adam", "playground.beta_1", "beta_1", 0.8),
    ("adam", "playground.beta_2", "beta_2", 0.95)])
def test_optimizer_hyper_parameters_reach_the_optimizer(optimizer, key, name, value):
    at = open_page()
    at.selectbox(key="playground.optimizer").set_value(optimizer).run()
    at.slider(key=key).set_value(value).run()
    opt = trainer(at).optimizer
    assert opt.name == optimizer and opt.hyper[name] == pytest.approx(value)


@pytest.mark.parametrize("kind,key,value,check", CONTROLS, ids=[c[1].split(".")[-1] for c in CONTROLS])
def test_every_control_changes_what_the_page_shows(kind, key, value, check):
    at = open_page()
    getattr(at, kind)(key=key).set_value(value).run()
    assert not at.exception, at.exception
    assert check(at)


def test_speed_sets_the_epochs_between_the_frames_the_canvas_gets():
    """Fast trains as many epochs between frames as the tick's budget holds; one epoch per frame is
    TensorFlow Playground's pace: the frames of a batch are consecutive epochs."""
    at = open_page()
    at.button(key="playground.play").click().run()
    fast = [frame["epoch"] for frame in payload(at)[0]["frames"]]
    at.radio(key="playground.speed").set_value("one epoch per frame").run()
    assert not at.exception, at.exception
    slow = [frame["epoch"] for frame in payload(at)[0]["frames"]]
    assert len(fast) >= 2 and max(np.diff(fast)) > 1
    assert len(slow) >= 2 and list(np.diff(slow)) == [1] * (len(slow) - 1) and slow[0] > fast[-1]


def test_structural_changes_redraw_the_boundary_and_hyper_parameters_keep_the_run():
    at = open_page()
    at.button(key="playground.step_button").click().run()
    at.select_slider(key="playground.learning_rate").set_value(0.1).run()
    assert trainer(at).epoch == 1  # the run goes on with the new learning rate
    before = output_frame(at)
    at.selectbox(key="playground.activation").set_value("relu").run()
    assert trainer(at).epoch == 0 and not np.array_equal(before, output_frame(at))


def test_layer_buttons_add_and_remove_hidden_layers():
    at = open_page()
    at.button(key="playground.add_layer").click().run()
    assert payload(at)[0]["sizes"] == [2, 4, 2, 2, 1]
    for _ in range(3):
        at.button(key="playground.remove_layer").click().run()
    assert payload(at)[0]["sizes"] == [2, 1]
    assert at.button(key="playground.remove_layer").disabled


def test_blobs_offer_a_class_count_and_train_with_softmax():
    at = open_page(dataset="blobs")
    at.slider(key="playground.n_classes").set_value(5).run()
    header, _ = payload(at)
    assert header["mode"] == "multi" and header["sizes"][-1] == 5 and trainer(at).data.n_classes == 5
    assert at.get("plotly_chart")[1].proto.spec.count("class 4") >= 1  # the 5 x 5 confusion matrix


def test_loss_chart_and_confusion_matrix_follow_the_trainer():
    at = open_page()
    for _ in range(3):
        at.button(key="playground.step_button").click().run()
    loss = json.loads(at.get("plotly_chart")[0].proto.spec)
    np.testing.assert_allclose(loss["data"][0]["y"], trainer(at).history.train_loss)
    at.checkbox(key="playground.log_y").check().run()
    assert json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["yaxis"]["type"] == "log"
    matrix = json.loads(at.get("plotly_chart")[1].proto.spec)["data"][0]["z"]
    t = trainer(at)
    np.testing.assert_array_equal(matrix, metrics.confusion_matrix(t.data.y_test, t.predict(t.data.X_test), range(2)))


def test_editing_a_weight_changes_the_network():
    at = open_page()
    at.selectbox(key="playground.edit_j").set_value(1).run()
    key = [w.key for w in at.number_input if w.key.startswith("playground.edit_value")][0]
    at.number_input(key=key).set_value(2.5).run()
    at.button(key="playground.set_weight").click().run()
    assert trainer(at).W[0][1, 0] == 2.5


def test_url_round_trip_reproduces_the_run():
    at = open_page()
    at.selectbox(key="playground.dataset").set_value("xor").run()
    at.checkbox(key="playground.x1_x2").check().run()
    at.button(key="playground.add_layer").click().run()
    at.select_slider(key="playground.learning_rate").set_value(0.1).run()
    at.selectbox(key="playground.cost").set_value("cross_entropy").run()
    params = {k: at.query_params[k][0] if isinstance(at.query_params[k], list) else at.query_params[k]
              for k in at.query_params}
    assert params["dataset"] == "xor" and params["x1_x2"] == "1" and params["hidden"] == "4,2,2"
    assert params["cost"] == "cross_entropy"
    again = open_page(**params)
    a, b = trainer(at), trainer(again)
    assert a.config == b.config and a.sizes == b.sizes
    np.testing.assert_array_equal(a.data.X_train, b.data.X_train)
    np.testing.assert_array_equal(a.params, b.params)


def test_a_network_without_hidden_layers_round_trips_through_its_link():
    at = open_page()
    at.button(key="playground.preset.XOR").click().run()
    assert at.query_params["hidden"] == "" and trainer(at).sizes == (2, 1)
    again = open_page(**{k: at.query_params[k] for k in at.query_params})
    assert not again.warning and trainer(again).sizes == (2, 1) and trainer(again).data.name == "xor"


def test_regenerate_at_the_last_seed_starts_again_from_the_first():
    at = open_page(seed="10000")
    at.button(key="playground.regenerate").click().run()
    assert not at.exception and at.number_input(key="playground.seed").value == 0


PRESET_CHECKS = {
    "Linear data": dict(dataset="gaussians", sizes=(2, 1)),
    "XOR": dict(dataset="xor", sizes=(2, 1)),
    "Spiral: depth": dict(dataset="spiral", sizes=(7, 8, 8, 8, 1)),
    "η too high": dict(dataset="regression_plane", sizes=(2, 4, 2, 1), learning_rate=3.0),
    "Overfitting": dict(dataset="circle", sizes=(7, 8, 8, 8, 1), train=50, loss="binary_crossentropy"),
    "L2 fixes it": dict(dataset="circle", sizes=(7, 8, 8, 8, 1), train=50, regularization="L2",
                        loss="binary_crossentropy"),
}


@pytest.mark.parametrize("name", list(PRESET_CHECKS))
def test_each_preset_sets_up_its_lesson(name):
    at = open_page()
    at.button(key=f"playground.preset.{name}").click().run()
    assert not at.exception
    t, want = trainer(at), PRESET_CHECKS[name]
    assert t.data.name == want["dataset"] and t.sizes == want["sizes"]
    if "learning_rate" in want:
        assert t.config.learning_rate == want["learning_rate"]
    if "train" in want:
        assert len(t.data.X_train) == want["train"]
    if "regularization" in want:
        assert t.config.regularization == want["regularization"] and t.config.regularization_rate > 0
    if want["dataset"] in ("gaussians", "xor", "spiral", "circle"):
        assert t.loss_name == want.get("loss", "quadratic")
    at.button(key="playground.preset.reset").click().run()
    assert trainer(at).sizes == (2, 4, 2, 1) and trainer(at).data.name == "circle"


def test_too_high_a_learning_rate_diverges_in_words_not_nan_pictures():
    at = open_page()
    at.button(key="playground.preset.η too high").click().run()
    at.button(key="playground.play").click()
    for _ in range(6):
        at.run()
        if trainer(at).diverged_at:
            break
    t = trainer(at)
    assert t.diverged_at is not None
    assert any("diverged at epoch" in e.value for e in at.error)
    assert np.all(np.isfinite(t.params))
    assert at.session_state["playground.playing"] is False


def upload(at, text: str):
    at.selectbox(key="playground.dataset").set_value("upload").run()
    at.file_uploader(key="playground.upload").set_value(("points.csv", text.encode(), "text/csv")).run()
    return at


def test_a_good_csv_trains_on_the_uploaded_points():
    rows = "\n".join(f"{x},{y},{int(x * y > 0)}" for x, y in np.random.default_rng(0).uniform(-3, 3, (40, 2)))
    at = upload(open_page(), "x1,x2,label\n" + rows)
    assert not at.error and trainer(at).data.name == "upload" and len(trainer(at).data.X) == 40


def _seen(markdown: str) -> str:
    """What the reader sees of a message shown as text: its Markdown escapes removed."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


@pytest.mark.parametrize("text,message", [
    ("a,b,c\n1,2,0\n", "columns must be x1, x2, label"),
    ("x1,x2,label\n1,two,0\n1,2,1\n3,4,0\n5,6,1\n", "not a number"),
    ("x1,x2,label\n1,,0\n1,2,1\n3,4,0\n5,6,1\n", "missing"),
    ("x1,x2,label\n1,2,1\n1,2,1\n3,4,1\n5,6,1\n", "at least two classes"),
    ("x1,x2,label\n" + "1,2,0\n" * 2001, "at most 2,000 rows"),
])
def test_bad_csv_files_show_a_clear_message(text, message):
    at = upload(open_page(), text)
    assert not at.exception
    # What the reader sees: the message is shown as text (its Markdown escapes removed here).
    assert any(message in _seen(e.value) for e in at.error)


def regression_csv(extra: str = "", seed: int = 0) -> str:
    points = np.random.default_rng(seed).uniform(-3, 3, (40, 2))
    return "x1,x2,label\n" + "\n".join(f"{x},{y},{x * y / 9:.4f}" for x, y in points) + "\n" + extra


@pytest.mark.parametrize("column,row", [("label", "1,2,1e300"), ("label", "1,2,-1e300"), ("x1", "1e300,2,0.5"),
                                        ("x2", "1,-2e7,0.5")])
def test_values_beyond_what_a_network_can_reach_are_refused_at_upload_naming_the_column(column, row):
    at = upload(open_page(), regression_csv(row))
    assert not at.exception
    (error,) = [e.value for e in at.error]
    assert f"the column {column} holds values as large as" in error and "rescale the column" in error
    assert not any("diverged" in e.value for e in at.error)
    assert trainer(at).data.name == "circle"  # no run on that file


def test_large_but_reachable_regression_labels_are_taken():
    at = upload(open_page(), regression_csv("1,2,1e5\n"))
    assert not at.error
    t = trainer(at)
    assert t.data.name == "upload" and t.data.task == "regression" and np.max(np.abs(t.data.X)) <= 3


def test_each_upload_is_read_once_per_content_however_often_the_page_reruns(monkeypatch):
    monkeypatch.setattr("nnviz.ui.offload.run", lambda fn, *a, **k: fn(*a, **k))  # counted here, not in a worker
    reads = []
    real = pg.parse_csv

    def counted(text, *args, **kwargs):
        reads.append(len(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(pg, "parse_csv", counted)
    unique = f"{uuid.uuid4().int % 10**6},0,0.5\n"  # not in the process's cache from another test
    too_long = regression_csv(unique + "1,2,0.5\n" * 2000)
    good = regression_csv(unique)
    at = upload(open_page(), too_long)
    assert len(reads) == 1 and any("at most 2,000 rows" in _seen(e.value) for e in at.error)
    at.slider(key="playground.noise").set_value(10).run()
    at.number_input(key="playground.seed").set_value(3).run()
    assert len(reads) == 1 and any("at most 2,000 rows" in _seen(e.value) for e in at.error)
    at.file_uploader(key="playground.upload").set_value(("good.csv", good.encode(), "text/csv")).run()
    assert len(reads) == 2 and not at.error and trainer(at).data.name == "upload"
    at.slider(key="playground.train_percent").set_value(70).run()
    assert len(reads) == 2 and len(trainer(at).data.X_train) == 28  # 70 % of 41 points: split again, not read
    at.file_uploader(key="playground.upload").set_value(("again.csv", too_long.encode(), "text/csv")).run()
    assert len(reads) == 2 and any("at most 2,000 rows" in _seen(e.value) for e in at.error)


def test_stop_at_epoch_stops_play_and_says_so():
    at = open_page(stop_epoch="5")
    at.button(key="playground.play").click().run()
    assert trainer(at).epoch == 5 and at.session_state["playground.playing"] is False
    assert any("Stopped at epoch 5 as asked" in i.value for i in at.info)
    assert at.button(key="playground.play").disabled
    at.select_slider(key="playground.learning_rate").set_value(0.1).run()  # not a new stop rule
    assert at.button(key="playground.play").disabled


def test_governor_shares_a_core_and_forgets_sessions_that_stopped_ticking():
    from nnviz.ui import playground_canvas as live

    t0 = 1_000_000.0
    assert live.heartbeat("gov-a", now=t0) >= 1
    n = live.heartbeat("gov-b", now=t0 + 0.1)
    assert n >= 2
    assert live.heartbeat("gov-b", now=t0 + live.ALIVE_SECONDS - 0.5) == 2  # a late tick still counts
    assert live.heartbeat("gov-b", now=t0 + live.ALIVE_SECONDS + 0.5) == 1  # gov-a went quiet: forgotten
    assert live.ALIVE_SECONDS > 2 * live.MAX_TICK_SECONDS  # a busy class's slow ticks keep everyone counted
    live.leave("gov-b")
    one, thirty = live.budget(1), live.budget(30)
    assert one == pytest.approx(live.TICK_SECONDS * min(live.SOLO_SHARE, live.MACHINE_SHARE))
    assert thirty * 30 <= live.TICK_SECONDS * live.MACHINE_SHARE + 1e-12  # the class shares one core


def test_pace_sends_more_frames_and_less_work_when_ticks_come_late():
    from nnviz.ui import playground_canvas as live

    pace = live.Pace()
    seconds, frames = pace.plan(1)
    assert frames == 10 and seconds == pytest.approx(live.budget(1))
    pace.tick(now=0.0)
    for k in range(1, 20):
        pace.tick(now=k * 0.8)
    late_seconds, late_frames = pace.plan(1)
    assert late_frames == 24 and late_seconds < 0.5 * seconds
    assert live.tick_interval(1) == live.TICK_SECONDS and live.tick_interval(30) == pytest.approx(1.5)
    big = live.Pace(live.tick_interval(30))
    big_seconds, big_frames = big.plan(30)
    assert big_frames == 45 and big_seconds == pytest.approx(1.5 * live.MACHINE_SHARE / 30)


def test_a_slow_link_gets_fewer_frames_not_less_training():
    from nnviz.ui import playground_canvas as live

    busy, slow = live.Pace(), live.Pace()
    busy.tick(now=0.0), slow.tick(now=0.0)
    for k in range(1, 20):  # a batch every 0.8 s: the machine is busy, or (slow) the link took 0.5 s of it
        busy.tick(now=k * 0.8)
        slow.tick(now=k * 0.8, link=0.5)
    assert busy.plan(1)[0] < 0.5 * live.budget(1)
    assert slow.plan(1)[0] == pytest.approx(live.budget(1), rel=0.01)


@pytest.mark.parametrize("value,expected", [
    (None, (None, 45, 0.0)),  # a full run or a click, not the canvas asking
    ({"n": 7, "frames": 3, "link": 0.4}, (7, 3, 0.4)),
    ({"n": 8, "frames": 0, "link": -1}, (8, 1, 0.0)),
    ({"n": 9, "frames": 1e9, "link": 1e9}, (9, 45, 3.0)),
    ({"n": "x", "frames": "many", "link": float("nan")}, (None, 45, 0.0)),
    ({"n": True, "frames": None}, (None, 45, 0.0)),
    ("tick", (None, 45, 0.0)),
])
def test_the_canvas_request_is_read_with_bounds(value, expected):
    from nnviz.ui import playground_canvas as live

    request = live.asked(value)
    assert (request.n, request.frames, request.link) == expected


def test_one_session_computes_at_a_time_and_the_others_wait():
    import threading

    from nnviz.ui import playground_canvas as live

    t = pg.Trainer(pg.Config(hidden=(4,)), pg.make_data("circle", n_samples=100))
    out = []
    with live._COMPUTING:  # another session's tick is computing
        waiting = threading.Thread(target=lambda: out.append(live.play_tick(t, 0.01, max_frames=2)))
        waiting.start()
        waiting.join(0.3)
        assert waiting.is_alive() and not out and t.epoch == 0
    waiting.join(30)
    assert out and t.epoch > 0


def test_play_tick_trains_and_returns_evenly_spaced_frames():
    from nnviz.ui import playground_canvas as live

    t = pg.Trainer(pg.Config(hidden=(4,)), pg.make_data("circle", n_samples=100))
    frames = live.play_tick(t, 0.05, max_frames=5, epochs_per_frame=3)
    assert [meta["epoch"] for meta, _ in frames] == [3, 6, 9, 12, 15]
    blob = live.payload(t, frames, run="r", replace=False, discretize=False, show_test=True, highlight_wrong=True)
    n = int.from_bytes(blob[:4], "little")
    header, body = json.loads(blob[4:4 + n]), blob[4 + n:]
    assert header["n_points"] == 100 and header["sizes"] == [2, 4, 1] and len(header["frames"]) == 5
    last = header["frames"][-1]
    weights = np.frombuffer(body[last["offset"] + 100 * 100 + 4 * 25 * 25:][:4 * header["n_weights"]], np.float32)
    np.testing.assert_allclose(weights, np.concatenate([W.ravel() for W in t.W]), rtol=1e-6)
    assert header["deflate"] is False
    # Compressed for a slow link: the same bytes after zlib's inflate, the same header otherwise.
    packed = live.payload(t, frames, run="r", replace=False, discretize=False, show_test=True, highlight_wrong=True,
                          deflate=True)
    m = int.from_bytes(packed[:4], "little")
    packed_header = json.loads(packed[4:4 + m])
    assert packed_header["deflate"] is True and {**packed_header, "deflate": False} == header
    assert zlib.decompress(packed[4 + m:]) == body and len(packed) - 4 - m < len(body)


def test_a_playing_tick_counts_its_session_and_sizes_its_batch_to_the_link():
    from nnviz.ui import playground_canvas as live

    t = pg.Trainer(pg.Config(hidden=(4,)), pg.make_data("circle", n_samples=100))
    stream, session = live.Stream(), uuid.uuid4().hex
    frames = live.play_frames(t, stream, session, live.Request(n=1, frames=3, link=0.0), one_per_frame=True)
    assert session in live._PLAYING and stream.pace is not None and stream.pace.deflate is False
    assert 1 <= len(frames) <= 3 and [meta["epoch"] for meta, _ in frames] == list(range(1, len(frames) + 1))
    # The link took most of the interval to bring that batch: one frame next, compressed.
    slow = live.play_frames(t, stream, session, live.Request(n=2, frames=1, link=0.3))
    assert len(slow) == 1 and slow[0][0]["epoch"] > frames[-1][0]["epoch"] and stream.pace.deflate is True
    live.leave(session)
    assert session not in live._PLAYING


def test_only_a_slow_link_gets_compressed_batches_and_keeps_them_near_the_threshold():
    from nnviz.ui import playground_canvas as live

    interval, share = 0.33, live.DEFLATE_LINK_SHARE
    fast, slow = live.Request(n=1, frames=10, link=0.005), live.Request(n=2, frames=1, link=0.3)
    assert not live.deflate_for(fast, interval) and live.deflate_for(slow, interval)
    assert not live.deflate_for(live.Request(link=0.3), interval)  # a full run, not the canvas asking
    near = live.Request(n=3, frames=2, link=0.7 * share * interval)  # compressed, the link now looks faster
    assert live.deflate_for(near, interval, deflating=True) and not live.deflate_for(near, interval)


# (parameter, a hand-edited value, the setting's label as the page names it, words of the problem)
BAD_LINKS = [
    ("learning_rate", "50", "Learning rate η", "50 is outside 1e-05 … 10"),
    ("dataset", "moon", "Data set", "is not one of: Circle"),
    ("batch_size", "99", "Batch size", "99 is outside 1 … 30"),
    ("noise", "80", "Noise", "80 is outside 0 … 50"),
    ("activation", "swish", "Activation", "is not one of: ReLU, tanh"),
    ("cost", "hinge", "Cost (two classes)", "is not one of: quadratic, tanh output"),
    ("seed", "abc", "Seed", "is not a whole number"),
    ("dropout", "1e308", "Dropout on hidden layers", "is outside 0 … 0.8"),
    ("batch_size", "1_0", "Batch size", "is not a whole number"),
    ("momentum", "nan", "Momentum μ", "is not a finite number"),
    ("show_test", "maybe", "Show test data", "is not on (1) or off (0)"),
    ("hidden", "4,12", "Hidden layers", "layer 2: 12 is outside 1 … 8"),
    ("hidden", "4,0", "Hidden layers", "layer 2: 0 is outside 1 … 8"),
    ("hidden", "4,x", "Hidden layers", "is not a whole number"),
    ("hidden", "8,8,8,8,8,8,8", "Hidden layers", "at most 6 fit"),
    ("hidden", ",".join(["8"] * 150), "Hidden layers", "at most 6 fit"),
    ("hidden", "4" * 500, "Hidden layers", "500 characters long"),
    ("layer_activations", "relu,cube", "Activation of each hidden layer",
     "is not one of: ReLU, tanh, sigmoid, linear; the default ` the Activation menu's ` is used"),
    ("layer_activations", ",".join(["relu"] * 7), "Activation of each hidden layer", "at most 6 fit"),
]


@pytest.mark.parametrize("name,value,label,problem", BAD_LINKS,
                         ids=[f"{name}={value[:12]}" for name, value, _, _ in BAD_LINKS])
def test_a_hand_edited_link_names_the_setting_and_its_problem_and_uses_the_default(name, value, label, problem):
    at = open_page(**{name: value})
    assert not at.exception
    (warning,) = [w.value for w in at.warning]
    assert f"**{label}**" in warning and problem in warning, warning
    assert "does not offer" not in warning
    assert at.session_state[f"playground.{name}"] == getattr(pg_page()["Settings"](), name)
    assert trainer(at).sizes == (2, 4, 2, 1) and trainer(at).config.learning_rate == 0.03


def test_a_link_between_two_learning_rates_takes_the_nearest_one():
    at = open_page(learning_rate="0.05", hidden="8,8,8,8,8,8", layer_activations="relu,sigmoid")
    assert not at.warning
    t = trainer(at)
    assert t.config.learning_rate == 0.03 and t.sizes == (2, 8, 8, 8, 8, 8, 8, 1)
    assert t.hidden_acts == ("relu", "sigmoid", "tanh", "tanh", "tanh", "tanh")
    assert "learning_rate" not in at.query_params  # the link now says what the page uses: the default


def pg_page() -> dict:
    """The page's declarations (its module up to the title), to check presets without running it."""
    source = Path(PAGE).read_text()
    namespace = {}
    exec(compile(source[:source.index("st.title(")], PAGE, "exec"), namespace)
    return namespace


def test_every_preset_fits_the_declarations():
    declared = pg_page()
    for label, values in declared["PRESETS"].items():
        assert declared["PAGE"].check(values) == {k: tuple(v) if isinstance(v, tuple) else v
                                                  for k, v in values.items()}, label


def test_the_declared_list_settings_bound_their_length_and_each_value():
    page = pg_page()["PAGE"]
    hidden, acts = page.declared["hidden"], page.declared["layer_activations"]
    assert hidden.check([8] * 6) == (8,) * 6 and hidden.check(()) == () and hidden.parse("") == ()
    for bad, words in [((8,) * 7, "7 layers; at most 6"), ((4, 9), "layer 2: 9 is outside 1 … 8"),
                       ((True,), "not a number"), ((2.0, float("inf")), "not a finite number"), ("4,2", "not a list")]:
        with pytest.raises(ValueError, match=words):
            hidden.check(bad)
    with pytest.raises(ValueError, match="more than 6 layers"):
        hidden.parse(",".join(["1"] * 10_000))
    assert acts.check(["relu"] * 6) == ("relu",) * 6
    with pytest.raises(ValueError, match="7 layers; at most 6"):
        acts.check(["relu"] * 7)
    with pytest.raises(ValueError, match="is not one of"):
        acts.check(["relu", "`x`"])


def test_the_canvas_state_is_the_sessions_own_and_leaves_the_trainer_alone():
    from nnviz.ui import playground_canvas as live

    t = pg.Trainer(pg.Config(hidden=(4,)), pg.make_data("circle", n_samples=100))
    before = set(vars(t))
    stream = live.Stream()
    frames = live.play_tick(t, 0.05, max_frames=3, stream=stream)
    live.payload(t, frames, run="r", replace=False, discretize=False, show_test=False, highlight_wrong=False,
                 stream=stream)
    assert set(vars(t)) == before  # the costs and thumbnails are kept in the Stream, not on the trainer
    assert stream.epoch_cost != live.Stream().epoch_cost and stream.frame_cost != live.Stream().frame_cost
    assert stream.thumbs[0] is t.grid_inputs()[3]
    thumbs = stream.thumbs
    live.payload(t, frames, run="r", replace=False, discretize=False, show_test=False, highlight_wrong=False,
                 stream=stream)
    assert stream.thumbs is thumbs  # drawn once per grid
    at = open_page()
    assert isinstance(at.session_state["playground.stream"], live.Stream)


def test_the_canvas_reads_its_constants_from_the_payload_and_keeps_no_copy():
    from nnviz.charts import palette
    from nnviz.ui import playground_canvas as live

    header, _ = payload(open_page(dataset="blobs"))
    constants = header["constants"]
    assert constants["max_frames"] == live.MAX_FRAMES_LATE and constants["first_want"] == live.MAX_FRAMES
    assert constants["frames_per_second"] == live.FRAMES_PER_SECOND
    assert constants["class_colours"] == list(live.CLASS_COLOURS) and len(live.CLASS_COLOURS) == 5  # up to 5 classes
    assert (constants["negative"], constants["positive"]) == (palette.NEGATIVE, palette.POSITIVE)
    js = (ROOT / "nnviz" / "ui" / "playground_canvas.js").read_text()
    for colour in {*live.CLASS_COLOURS, constants["neutral"], constants["test_colour"]}:
        assert colour.lower() not in js.lower(), colour
        rgb = ", ?".join(str(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
        assert not re.search(rgb, js), f"{colour} as an RGB triple"
    for cap in (live.MAX_FRAMES_LATE, live.MAX_FRAMES, live.FRAMES_PER_SECOND):
        assert not re.search(rf"=\s*{cap}\s*;|1000\s*/\s*{cap}\b", js), f"a copy of {cap} in the JavaScript"
    for name in ("max_frames", "first_want", "frames_per_second", "class_colours", "negative", "positive"):
        assert f"k.{name}" in js  # and the canvas reads each from the header


def _loss_figure(at) -> dict:
    from tests.lessons.figures import figures_by_title

    return figures_by_title(at)["Loss per epoch"]


def test_the_loss_charts_log_scale_is_a_setting_that_goes_in_the_link_and_comes_back_from_it():
    at = open_page()
    at.button(key="playground.step_button").click().run()
    assert at.checkbox(key="playground.log_y").value is False and "log_y" not in at.query_params
    assert _loss_figure(at)["layout"]["yaxis"].get("type") != "log"
    at.checkbox(key="playground.log_y").check().run()
    assert at.query_params["log_y"] == "1" and _loss_figure(at)["layout"]["yaxis"]["type"] == "log"
    # The link opens the page with the log scale on.
    linked = open_page(**{name: at.query_params[name] for name in at.query_params})
    linked.button(key="playground.step_button").click().run()
    assert linked.checkbox(key="playground.log_y").value is True
    assert _loss_figure(linked)["layout"]["yaxis"]["type"] == "log"


def test_the_loss_chart_and_the_confusion_matrix_say_what_they_show_in_a_formula():
    at = open_page(cost="cross_entropy")
    at.button(key="playground.step_button").click().run()
    formulas = [latex.value for latex in at.latex]
    loss = formulas.index(next(f for f in formulas if r"\text{loss}" in f))
    assert r"\frac{1}{n}" in formulas[loss]  # the cost this run minimises, averaged, and under it that cost
    assert pg.COST_LATEX["sigmoid"] in formulas[loss + 1]
    assert any(r"\text{accuracy}" in f and r"\text{correct}" in f and r"\text{total}" in f for f in formulas)
    regression = open_page(dataset="regression_plane")
    regression.button(key="playground.step_button").click().run()
    formulas = [latex.value for latex in regression.latex]
    assert pg.COST_LATEX["linear"] in formulas[formulas.index(next(f for f in formulas if r"\text{loss}" in f)) + 1]
    assert not any(r"\text{accuracy}" in f for f in formulas)  # no classes, no confusion matrix


def test_presenter_mode_draws_the_canvas_text_as_large_as_a_charts():
    from nnviz.ui import presenter

    assert payload(open_page())[0]["text_scale"] == 1.0
    header, _ = payload(open_page(present="1"))
    # The canvas is inside the page's zoom: its 12 px text times this times the zoom is a chart's tick size.
    assert 12 * header["text_scale"] * presenter.ZOOM == pytest.approx(12 * presenter.FONT_SCALE)
