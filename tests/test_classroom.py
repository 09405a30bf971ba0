"""The live class model on both real stores: SQLite (WAL, a file) and Redis (a real redis-server on loopback)."""

from __future__ import annotations

import math
import subprocess
import time

import pytest

from nnviz.classroom import classes
from nnviz.classroom.classes import ClassError, Classroom, NotTheTeacher
from nnviz.classroom.store import RedisStore, SQLiteStore


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return SQLiteStore(tmp_path / "classes.sqlite3")
    store = RedisStore(request.getfixturevalue("redis_url"))
    store.redis.flushdb()
    return store


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


def test_a_class_code_is_short_and_has_no_look_alike_letters(store):
    room = Classroom(store)
    codes = {room.start()[0] for _ in range(30)}
    assert len(codes) == 30
    for code in codes:
        assert len(code) == classes.CODE_LENGTH
        assert not set(code) & set("0O1IL2Z5S6G8BQUV")
    assert classes.normal_code(" kx tw ") == "KXTW"


@pytest.mark.parametrize("bad", ["", "KQ", "ABCDEFG", "AB1D", "<b>x</b>", "x" * 10_000])
def test_a_wrong_code_is_explained(store, bad):
    with pytest.raises(ClassError, match="not a class code"):
        Classroom(store).join(bad)


def test_an_unknown_or_ended_class_says_so(store):
    room = Classroom(store)
    with pytest.raises(ClassError, match="no class ACDE"):
        room.join("ACDE")
    code, key = room.start()
    room.end(code, key)
    with pytest.raises(ClassError, match="may have ended"):
        room.join(code)


def test_students_join_anonymously_with_a_plain_short_nickname(store):
    room = Classroom(store)
    code, _ = room.start()
    first = room.join(code)
    second = room.join(code.lower(), "<img src=x onerror=alert(1)>\n**Ana**" + "x" * 10_000)
    members = room.members(code)
    assert members[first] == ""
    assert len(members[second]) == classes.NICKNAME_CHARS and "\n" not in members[second]
    assert first != second


def test_only_the_teachers_key_changes_the_class(store):
    room = Classroom(store)
    code, key = room.start()
    student = room.join(code)
    for forged in ("", "wrong", student, key[:-1] + ("A" if key[-1] != "A" else "B")):
        with pytest.raises(NotTheTeacher):
            room.show(code, forged, "gradient_descent", {"lr": "1.12"})
        with pytest.raises(NotTheTeacher):
            room.ask(code, forged, "Which?", options=("a", "b"))
        with pytest.raises(NotTheTeacher):
            room.reveal(code, forged)
        with pytest.raises(NotTheTeacher):
            room.end(code, forged)
    assert room.view(code) is None
    assert room.record(code)  # still there


def test_followers_see_the_teachers_view_and_its_version_moves_only_on_a_change(store):
    room = Classroom(store)
    code, key = room.start()
    v0 = room.version(code)
    room.show(code, key, "gradient_descent", {"lr": "1.12", "section": "One weight"})
    v1 = room.version(code)
    assert v1 == v0 + 1
    assert room.view(code) == {"page": "gradient_descent", "prefix": "", "params": {"lr": "1.12",
                                                                                    "section": "One weight"}}
    room.show(code, key, "gradient_descent", {"lr": "1.12", "section": "One weight"})
    assert room.version(code) == v1  # the same view again: followers have nothing to do


def test_a_question_gathers_answers_one_per_student_and_reveal_applies_its_preset(store):
    room = Classroom(store)
    code, key = room.start()
    students = [room.join(code) for _ in range(5)]
    preset = {"page": "gradient_descent", "prefix": "gd", "params": {"lr": "1.12", "cost": "parabola"}}
    q = room.ask(code, key, "η = 1.12 on the parabola: converges, oscillates or diverges?",
                 options=("converges", "oscillates", "diverges"), answer="diverges", preset=preset)
    for student, pick in zip(students, ["diverges", "diverges", "oscillates", "converges", "diverges"]):
        room.answer(code, student, q.id, pick)
    room.answer(code, students[3], q.id, "diverges")  # a student changes their mind: still one answer
    answers = room.answers(code, q.id)
    assert len(answers) == 5
    assert sorted(answers.values()).count("diverges") == 4
    shown = room.reveal(code, key)
    assert shown.check("diverges") and not shown.check("oscillates")
    assert room.view(code) == preset
    with pytest.raises(ClassError, match="revealed"):
        room.answer(code, students[0], q.id, "converges")


def test_bad_answers_and_bad_questions_get_a_message_and_store_nothing(store):
    room = Classroom(store)
    code, key = room.start()
    student = room.join(code)
    with pytest.raises(ClassError, match="at least two"):
        room.ask(code, key, "Which?", options=())
    with pytest.raises(ClassError, match="some text"):
        room.ask(code, key, "   ", options=("a", "b"))
    with pytest.raises(ClassError, match="one of the options"):
        room.ask(code, key, "Which?", options=("a", "b"), answer="c")
    q = room.ask(code, key, "What is ∂C/∂w₅ here?", kind="number", answer=0.0825, tolerance=0.001)
    for raw in ("abc", "1e400", "nan", "", "0.08.2"):
        with pytest.raises(ClassError):
            room.answer(code, student, q.id, raw)
    assert room.answers(code, q.id) == {}
    with pytest.raises(ClassError, match="Join the class"):
        room.answer(code, "not-a-member", q.id, "0.08")
    assert room.answer(code, student, q.id, "0,0826") == pytest.approx(0.0826)
    assert room.question(code).check(0.0826) and not room.question(code).check(0.09)
    with pytest.raises(ClassError, match="closed"):
        room.answer(code, student, "old-question", "1")


def test_ending_a_class_deletes_its_answers(store):
    room = Classroom(store)
    code, key = room.start()
    student = room.join(code)
    q = room.ask(code, key, "Which?", options=("a", "b"))
    room.answer(code, student, q.id, "a")
    room.end(code, key)
    assert room.answers(code, q.id) == {}
    assert room.members(code) == {}
    assert room.version(code) is None


def test_a_class_left_idle_expires(tmp_path):
    # SQLite stores the expiry time; a clock far ahead shows the class gone (Redis expires keys itself).
    store = SQLiteStore(tmp_path / "classes.sqlite3")
    room = Classroom(store)
    code, _ = room.start()
    import nnviz.classroom.store as store_module

    real = store_module.time.time
    try:
        store_module.time.time = lambda: real() + classes.IDLE_SECONDS + 1
        with pytest.raises(ClassError, match="no class"):
            room.join(code)
        assert store.purge() >= 1
    finally:
        store_module.time.time = real


def test_a_redis_class_expires_by_itself(redis_url, monkeypatch):
    monkeypatch.setattr(classes, "IDLE_SECONDS", 1)
    store = RedisStore(redis_url)
    room = Classroom(store)
    code, _ = room.start()
    room.join(code)
    deadline = time.monotonic() + 10
    while store.get(f"class:{code}") is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    with pytest.raises(ClassError, match="no class"):
        room.join(code)


def test_presence_counts_who_follows_now(store):
    clock = Clock()
    room = Classroom(store, clock)
    code, _ = room.start()
    a, b, _c = (room.join(code) for _ in range(3))
    room.heartbeat(code, a, True)
    room.heartbeat(code, b, False)
    room.heartbeat(code, "stranger", True)  # not a member: not counted
    assert room.presence(code) == (3, 1)
    clock.now += 60
    assert room.presence(code) == (3, 0)  # a page closed a minute ago no longer follows


def test_a_class_sweep_gives_each_student_one_cell_and_gathers_results(store):
    room = Classroom(store)
    code, key = room.start()
    rates = ["0.001", "0.01", "0.1", "1.0"]
    room.start_sweep(code, key, "gradient_descent", "lr", rates, "final loss against η")
    students = [room.join(code) for _ in range(6)]
    cells = [room.sweep_cell(code, s) for s in students]
    assert cells == rates + rates[:2]
    assert room.sweep_cell(code, students[0]) == "0.001"  # kept
    for student, cell in zip(students, cells):
        room.sweep_result(code, student, cell, math.inf if cell == "1.0" else float(cell))
    with pytest.raises(ClassError, match="not your cell"):
        room.sweep_result(code, students[0], "0.1", 0.5)
    results = sorted(room.sweep_results(code), key=lambda r: float(r[0]))
    assert results[-1] == ("1.0", None)  # diverged
    assert len(results) == 6


def test_the_teachers_play_and_pause_are_the_class_s_and_only_the_teacher_sets_them(store):
    room = Classroom(store)
    code, key = room.start()
    student = room.join(code)
    version = room.version(code)
    room.play(code, key, "playground", True, "run-1")
    assert room.record(code)["play"] == {"page": "playground", "on": True, "run": "run-1"}
    assert room.version(code) == version + 1  # followers see it at their next check
    room.play(code, key, "playground", True, "run-1")
    assert room.version(code) == version + 1  # the same state again: nothing to tell
    room.play(code, key, "playground", False, "run-1")
    assert room.record(code)["play"]["on"] is False
    with pytest.raises(NotTheTeacher):
        room.play(code, student, "playground", True, "forged")
    assert room.record(code)["play"] == {"page": "playground", "on": False, "run": "run-1"}


def test_two_processes_see_one_sqlite_class(tmp_path):
    # Every server process opens the same file: a class started in one is joined in another.
    path = tmp_path / "classes.sqlite3"
    code, key = Classroom(SQLiteStore(path)).start()
    script = ("import sys; from nnviz.classroom.classes import Classroom; from nnviz.classroom.store import "
              "SQLiteStore; r = Classroom(SQLiteStore(sys.argv[1])); print(r.join(sys.argv[2]))")
    import sys

    member = subprocess.run([sys.executable, "-c", script, str(path), code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert member in Classroom(SQLiteStore(path)).members(code)


def _preset_cases():
    from nnviz.classroom import questions

    for page, items in questions.QUESTIONS.items():
        for item in items:
            if item.get("preset"):
                yield pytest.param(item["preset"], id=f"{page}: {item['text'][:30]}")


@pytest.mark.parametrize("preset", list(_preset_cases()))
def test_each_questions_preset_opens_its_page_cleanly(preset):
    # Reveal opens the preset as a link would: every value must fit the page's declarations (no warning).
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from nnviz.ui import settings

    root = Path(__file__).resolve().parents[1]
    at = AppTest.from_file(str(root / "lessons" / f"{preset['page']}.py"), default_timeout=60)
    at.query_params.update(preset["params"])
    at.run()
    assert not at.exception
    assert not [w for w in at.warning if "This link asked" in w.value], at.warning[0].value
    page = settings.PAGES[preset["prefix"]]
    for name, raw in preset["params"].items():
        declaration = page.declared[name]
        assert at.session_state[page.key(name)] == declaration.check(declaration.parse(raw))


def test_each_questions_right_answer_is_one_of_its_options_or_a_number_nnviz_computes():
    from nnviz.classroom import questions

    for page in questions.QUESTIONS:
        for item in questions.for_page(page):
            if item["kind"] == "choice":
                assert item["answer"] in item["options"], item["text"]
            elif item["kind"] == "number":
                assert math.isfinite(item["answer"]) and item["tolerance"] > 0, item["text"]
            else:  # built from the runs on the teacher's screen when asked
                assert item["kind"] == "point" and page == "loss_curves"


def test_the_backpropagation_question_is_the_pages_own_gradient_and_a_students_rounding_counts():
    from nnviz import backprop_lesson as lesson
    from nnviz.classroom import questions

    item = next(i for i in questions.for_page("backpropagation") if i["kind"] == "number")
    # The same walk the page's "A real network" tab draws for Mazur's example, weight w³₁₁ (Mazur's w₅).
    net, x, y = lesson.unflatten((2, 2, 2), lesson.MAZUR_VALUES, ("sigmoid", "sigmoid"))
    walked = lesson.walk(net, x, y, "quadratic", 0.5)
    assert item["answer"] == walked.dW(3)[0, 0]
    assert item["answer"] == pytest.approx(0.082167, abs=1e-6)  # Mazur's published ∂E/∂w₅
    q = classes.Question("q", item["text"], "number", answer=item["answer"], tolerance=item["tolerance"])
    assert q.check(0.082) and q.check(0.0822) and not q.check(0.08) and not q.check(0.09)


def test_the_saturated_neurons_gradient_is_nearly_zero_as_its_question_says():
    from nnviz import backprop_lesson as lesson
    from nnviz.classroom import questions

    item = next(i for i in questions.for_page("backpropagation") if i["kind"] == "choice")
    params = {"w1": 0.8, "b1": 0.1, "w2": -1.2, "b2": 0.3, "w3": 6.0, "b3": 4.0}  # the page's defaults, then the preset
    saturated = lesson.chain(0.5, 0.0, params)
    normal = lesson.chain(0.5, 0.0, {**params, "w3": 1.5, "b3": -0.4})
    assert item["answer"].startswith("close to 0")
    assert abs(saturated.gradients["w3"]) < 0.05 < abs(normal.gradients["w3"])
    assert saturated.a[3] > 0.95  # badly wrong for y = 0


def test_the_cost_functions_questions_answers_come_from_nnviz():
    from nnviz import slowdown
    from nnviz.classroom import questions

    number, race = questions.for_page("cost_functions")
    assert number["answer"] == pytest.approx(-math.log(0.02)) == float(slowdown.cost("cross_entropy", 0.0, 0.98))
    # Same η = 0.15 from the saturated start (2, 2): the cross-entropy's output reaches 0.1 first.
    first = {}
    for name in slowdown.COSTS:
        run = slowdown.train(name, 2.0, 2.0, 0.15, slowdown.EPOCHS)
        first[name] = next((i for i, a in enumerate(run.a) if a < 0.1), math.inf)
    assert race["answer"] == "cross-entropy" and first["cross_entropy"] < first["quadratic"]


def _history(val, loss=None):
    return {"loss": loss or [1.0 - 0.1 * i for i in range(len(val))], "val_loss": val, "baseline": None}


def test_the_overfitting_question_is_the_diagnosis_of_the_runs_shown():
    from nnviz import curves
    from nnviz.classroom import questions

    overfit = [1.0, 0.7, 0.5, 0.45, 0.5, 0.6, 0.7]
    steady = [1.0, 0.8, 0.6, 0.5, 0.45, 0.43, 0.42]
    item = questions.overfit_question({"big": _history(overfit), "small": _history(steady)})
    best = curves.diagnose(_history(overfit)["loss"], overfit).epoch
    assert item["answer"] == ["big", best] == ["big", 4]
    assert item["options"] == ["big", "small"] and item["curves"]["big"] == overfit
    with pytest.raises(ValueError, match="Exactly one"):
        questions.overfit_question({"a": _history(steady), "b": _history(steady)})
    with pytest.raises(ValueError, match="Exactly one"):
        questions.overfit_question({"a": _history(overfit), "b": _history(overfit)})
    with pytest.raises(ValueError, match="at least two"):
        questions.overfit_question({"a": _history(overfit)})


def test_a_question_on_curves_takes_a_run_and_an_epoch_within_its_tolerance(store):
    from nnviz.classroom import questions

    room = Classroom(store)
    code, key = room.start()
    student, other = room.join(code), room.join(code)
    item = questions.overfit_question({"big": _history([1.0, 0.7, 0.5, 0.45, 0.5, 0.6, 0.7]),
                                       "small": _history([1.0, 0.8, 0.6, 0.5, 0.45, 0.43, 0.42])})
    q = room.ask(code, key, item["text"], "point", item["options"], item["answer"], item["tolerance"],
                 curves=item["curves"])
    assert room.question(code).curves["big"][3] == 0.45
    for bad in (["nobody", 3], ["big", 0], ["big", 8], ["big", "x"], ["big", 2.5], "big", None, ["big"]):
        with pytest.raises(ClassError):
            room.answer(code, student, q.id, bad)
    assert room.answers(code, q.id) == {}
    assert room.answer(code, student, q.id, ["big", 5]) == ["big", 5]
    room.answer(code, other, q.id, ("small", 4))
    shown = room.reveal(code, key)
    assert shown.check(["big", 5]) and shown.check(["big", 4]) and not shown.check(["big", 6])
    assert not shown.check(["small", 4])
    assert shown.shown_answer() == "big, from epoch 4"
    with pytest.raises(ClassError, match="one of the runs"):
        room.ask(code, key, "Which?", "point", (), ["gone", 1], curves=item["curves"])
    with pytest.raises(ClassError, match="two runs"):
        room.ask(code, key, "Which?", "point", (), ["big", 1], curves={"big": [1.0]})


def test_a_process_reads_a_class_version_at_most_once_per_interval_for_all_its_sessions(tmp_path):
    reads = []

    class Counting(SQLiteStore):
        def get(self, key):
            reads.append(key)
            return super().get(key)

    clock = Clock()
    store = Counting(tmp_path / "classes.sqlite3")
    room = Classroom(store)
    code, key = room.start()
    watch = classes.Watcher(lambda: Classroom(store), max_age=0.25, clock=clock)
    reads.clear()
    first = watch.latest(code)
    assert first[0] == room.version(code) and first[1]["view"] is None
    reads.clear()
    for _ in range(100):  # a hundred followers' checks within the interval: no read of the store
        assert watch.latest(code) == first
    assert reads == []
    moved = room.show(code, key, "gradient_descent", {"lr": "0.5"}, "gd")
    reads.clear()
    clock.now += 0.3
    version, record = watch.latest(code)
    assert version == moved and record["view"]["params"] == {"lr": "0.5"}
    assert reads.count(f"version:{code}") == 1 and reads.count(f"class:{code}") == 1
    reads.clear()
    clock.now += 0.3
    watch.latest(code)  # the version did not move: the record is not read again
    assert reads == [f"version:{code}"]
    room.show(code, key, "gradient_descent", {"lr": "1.0"}, "gd")
    watch.forget(code)  # this process changed it: no waiting for the interval
    assert watch.latest(code)[1]["view"]["params"] == {"lr": "1.0"}
    room.end(code, key)
    clock.now += 0.3
    assert watch.latest(code) is None


def test_the_sqlite_store_keeps_a_few_connections_open_and_any_thread_may_use_them(tmp_path):
    import threading

    store = SQLiteStore(tmp_path / "classes.sqlite3")
    errors = []

    def work(i):
        try:
            for j in range(50):
                store.put(f"k{i}", j, 60)
                assert store.get(f"k{i}") == j
                store.incr("count", 60)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.get("count") == 400
    assert store._pool.qsize() <= 8  # connections are reused, not one per use
