"""Run store, training queue and model spec: the TensorFlow-free parts of nnviz.keras."""

import io
import json
import sys
import threading
import time
import zipfile

import pytest

from nnviz.keras import budget
from nnviz.keras import spec as kspec
from nnviz.keras.jobs import TrainingQueue
from nnviz.keras.runs import RunStore, history_csv, runs_dir, sanitize


def _commit(store, name, session="s1", history=None):
    staging = store.staging()
    (staging / "model.keras").write_bytes(b"fake")
    history = history or {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}
    wall = [0.1 * (i + 1) for i in range(len(history["loss"]))]
    return store.commit(staging, name, {"data": "iris"}, history, wall, session)


def test_runs_go_to_nnviz_runs_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("NNVIZ_RUNS_DIR", str(tmp_path / "elsewhere"))
    assert runs_dir() == tmp_path / "elsewhere"
    assert RunStore().root == tmp_path / "elsewhere"
    monkeypatch.delenv("NNVIZ_RUNS_DIR")
    assert runs_dir().as_posix() == "runs"


@pytest.mark.parametrize("raw, clean", [("my run", "my-run"), ("../../etc/passwd", "etc-passwd"),
                                        ("..", None), ("/abs/path", "abs-path"), (".hidden", "hidden"),
                                        ("a\\b", "a-b"), ("x" * 100, "x" * 60), ("ünï", "n")])
def test_run_names_are_sanitised(raw, clean):
    if clean is None:
        with pytest.raises(ValueError, match="cannot be a run name"):
            sanitize(raw)
    else:
        assert sanitize(raw) == clean


def test_path_traversal_names_are_rejected(tmp_path):
    store = RunStore(tmp_path / "runs")
    _commit(store, "good")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "config.json").write_text("{}")
    for name in ("../secret", "..", "/etc", "good/../../secret", ".staging-x", "", "good/"):
        with pytest.raises(ValueError):
            store.path(name)
    with pytest.raises(ValueError):
        store.zip_bytes("../secret")
    with pytest.raises(ValueError):
        store.delete("../secret", "s1")
    assert (tmp_path / "secret").exists()


def test_commit_is_atomic_and_half_written_runs_are_never_listed(tmp_path):
    store = RunStore(tmp_path / "runs")
    staging = store.staging()
    (staging / "config.json").write_text("{}")
    (staging / "history.csv").write_text("epoch,wall_time,loss\n")
    assert store.list() == []  # a staging folder, even with files in it, is invisible
    name = store.commit(staging, "first", {"x": 1}, {"loss": [0.5]}, [0.1], "s1")
    assert [r.name for r in store.list()] == ["first"] and not staging.exists()
    broken = store.root / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{not json")
    assert [r.name for r in store.list()] == [name]
    assert not list(store.root.glob(".*.tmp"))


def test_history_round_trips_and_names_never_collide(tmp_path):
    store = RunStore(tmp_path)
    history = {"loss": [1.0, 0.25, float("nan")], "val_loss": [2.0, 1.5, 1.25]}
    a = _commit(store, "same", history=history)
    staging = store.staging()
    b = store.commit(staging, "same", {}, {"loss": [1.0]}, [0.3], "s1")
    assert (a, b) == ("same", "same-2")
    got, wall = store.history(a)
    assert got["val_loss"] == history["val_loss"] and got["loss"][:2] == [1.0, 0.25]
    assert wall == pytest.approx([0.1, 0.2, 0.3])
    assert store.get(a).config["session"] == "s1" and store.get(a).config["data"] == "iris"
    assert history_csv({"loss": [0.5]}, [1.5]).splitlines() == ["epoch,wall_time,loss", "1,1.5,0.5"]


def test_only_the_creating_session_renames_or_deletes(tmp_path):
    store = RunStore(tmp_path)
    name = _commit(store, "mine", session="alice")
    with pytest.raises(ValueError, match="another session"):
        store.rename(name, "stolen", "bob")
    with pytest.raises(ValueError, match="another session"):
        store.delete(name, "")
    renamed = store.rename(name, "../renamed run", "alice")
    assert renamed == "renamed-run" and store.get(renamed).config["name"] == "renamed-run"
    store.delete(renamed, "alice")
    assert store.list() == [] and not list(tmp_path.iterdir())


def test_zip_holds_the_whole_run_folder(tmp_path):
    store = RunStore(tmp_path)
    name = _commit(store, "zipme")
    archive = zipfile.ZipFile(io.BytesIO(store.zip_bytes(name)))
    assert sorted(archive.namelist()) == ["zipme/config.json", "zipme/history.csv", "zipme/model.keras"]
    assert json.loads(archive.read("zipme/config.json"))["name"] == "zipme"


def test_queue_runs_one_training_at_a_time_and_shows_positions():
    queue = TrainingQueue()
    seen, order = {}, []
    release = threading.Event()

    def job(ticket):
        with queue.slot(ticket, on_wait=lambda p: seen.setdefault(ticket, p), poll=0.01):
            order.append(ticket)
            if ticket == "a":
                release.wait(5)

    first = threading.Thread(target=job, args=("a",))
    first.start()
    while queue.running != "a":
        time.sleep(0.005)
    others = [threading.Thread(target=job, args=(t,)) for t in ("b", "c")]
    for thread, ticket in zip(others, ("b", "c")):
        thread.start()
        while queue.position(ticket) == -1:  # b is in line before c starts
            time.sleep(0.005)
    assert queue.position("a") == 0 and queue.position("b") == 1 and queue.position("c") == 2
    release.set()
    for t in [first, *others]:
        t.join(5)
    assert order == ["a", "b", "c"] and seen == {"b": 1, "c": 2}
    assert queue.running is None and queue.position("a") == -1


def test_queue_leaves_the_line_when_waiting_is_interrupted():
    queue = TrainingQueue()

    class Interrupted(BaseException):
        pass

    def interrupt(position):
        raise Interrupted

    with queue.slot("a"):
        with pytest.raises(Interrupted):
            with queue.slot("b", on_wait=interrupt):
                pass
        assert queue.position("b") == -1
    assert queue.running is None


def test_spec_parses_layers_and_refuses_bad_text():
    layers = kspec.parse_layers("64, d0.5, 32", "tanh")
    assert layers == (kspec.Layer("dense", 64, "tanh"), kspec.Layer("dropout", rate=0.5), kspec.Layer("dense", 32, "tanh"))
    assert [l.kind for l in kspec.parse_layers("8,4", dropout=0.2)] == ["dense", "dropout", "dense", "dropout"]
    assert kspec.parse_layers("") == ()
    for bad in ("8, x", "0", "2000", "8.5"):
        with pytest.raises(ValueError, match="cannot read the layer"):
            kspec.parse_layers(bad)
    with pytest.raises(ValueError, match="unknown activation 'relux'"):
        kspec.parse_layers("8", "relux")


def test_output_layer_and_loss_fit_the_task():
    def head(out):
        return out.units, out.activation, out.loss

    assert head(kspec.output_for("binary")) == (1, "sigmoid", "binary_crossentropy")
    assert head(kspec.output_for("multiclass", 4)) == (4, "softmax", "sparse_categorical_crossentropy")
    assert head(kspec.output_for("regression")) == (1, "linear", "mse")
    with pytest.raises(ValueError):
        kspec.output_for("ranking")


def test_training_settings_are_checked():
    kspec.check_training(kspec.TrainSpec())
    for bad in (dict(optimizer="adamw"), dict(learning_rate=0), dict(validation_split=0.95),
                dict(early_stopping=True, validation_split=0.0)):
        with pytest.raises(ValueError):
            kspec.check_training(kspec.TrainSpec(**bad))


def test_the_store_spec_and_queue_never_import_tensorflow():
    import subprocess

    code = ("import sys, nnviz.keras.runs, nnviz.keras.jobs, nnviz.keras.spec, nnviz.curves, nnviz.tabular;"
            "print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("name", ["模型一", "🙂", "...", "---", ".", "..", " ", "_", "-_-"])
def test_a_run_name_without_a_letter_or_digit_is_refused_with_a_message(name):
    with pytest.raises(ValueError, match="needs at least one Latin letter or digit"):
        sanitize(name)


def test_a_killed_trainings_staging_folder_is_removed_when_the_next_process_opens_the_store(tmp_path):
    import subprocess

    # A real process makes a staging folder, writes into it and dies without cleaning up (as kill -9 leaves it).
    code = ("import sys; from nnviz.keras.runs import RunStore; s = RunStore(sys.argv[1]).staging(); "
            "(s / 'logs').mkdir(); (s / 'logs' / 'events.out.tfevents.1').write_bytes(b'x'); print(s.name)")
    made = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                          check=True).stdout.strip()
    assert (tmp_path / made).is_dir()
    old = tmp_path / ".staging-0123456789abcdef"  # an older layout without host and pid, untouched for long
    old.mkdir()
    ancient = time.time() - budget.MAX_RUN_SECONDS * 3
    import os

    os.utime(old, (ancient, ancient))
    mine = RunStore(tmp_path).staging()  # this process's own training, in progress: kept
    _commit(RunStore(tmp_path), "finished")
    # This process's first store on the folder ran before the leftovers existed: a new process starts up.
    out = subprocess.run([sys.executable, "-c", "import sys; from nnviz.keras.runs import RunStore; "
                          "RunStore(sys.argv[1]); import os; print(sorted(os.listdir(sys.argv[1])))",
                          str(tmp_path)], capture_output=True, text=True, check=True).stdout
    left = eval(out)
    assert made not in left and old.name not in left
    assert mine.name in left and "finished" in left


def test_the_store_keeps_the_newest_runs(tmp_path, monkeypatch):
    store = RunStore(tmp_path)
    names = []
    for i in range(5):
        staging = store.staging()
        names.append(store.commit(staging, f"run{i}", {"created": 1000.0 + i}, {"loss": [1.0]}, [0.1], "s"))
    assert store.prune(keep=3) == ["run0", "run1"]
    assert [run.name for run in store.list()] == ["run2", "run3", "run4"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run2", "run3", "run4"]
    assert budget.KEEP_RUNS >= 10  # a class's runs of one lesson fit


def test_the_budget_refuses_a_huge_model_and_warns_of_a_long_training():
    huge = kspec.ModelSpec(80, kspec.parse_layers(",".join(["1024"] * 8)), "binary")
    n = kspec.count_parameters(huge)
    assert n == 80 * 1024 + 1024 + 7 * (1024 * 1024 + 1024) + 1025
    with pytest.raises(ValueError, match=f"{n:,} parameters; a model here may have at most"):
        budget.check_model(n)
    budget.check_model(kspec.count_parameters(kspec.ModelSpec(80, kspec.parse_layers("32, 16"), "binary")))
    long = budget.estimate_seconds(n, 12_800, 8, 300)
    assert long > budget.MAX_RUN_SECONDS
    words = budget.time_warning(long, 300)
    assert "at most 5 min" in words and "of 300 epochs" in words
    assert budget.time_warning(budget.estimate_seconds(2465, 12_800, 128, 20), 20) is None


def test_the_layer_table_without_keras_counts_like_keras_names():
    spec = kspec.ModelSpec(5, kspec.parse_layers("8, d0.25, 4", "tanh"), "binary")
    rows = kspec.summary_rows(spec)
    assert [r["parameters"] for r in rows] == [48, 0, 36, 5]
    assert [r["layer"] for r in rows] == ["dense", "dropout", "dense_1", "dense_2"]
