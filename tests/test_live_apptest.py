"""A live class driven through the real app in AppTest: a teacher's session and students' sessions, one shared store
(SQLite, and a real Redis).

The teacher starts a class on a page, a student joins with ``?class=CODE`` and follows, explores on their own and
follows again; a question is asked, answered and revealed (its preset applied on the student's page); a session
without the teacher's key cannot change the class; nicknames are bounded, plain, and off the teacher's screen
unless the teacher shows them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nnviz.classroom.classes import NICKNAME_CHARS, Classroom
from nnviz.classroom.store import default_store

APP = str(Path(__file__).resolve().parents[1] / "app.py")
LIVE = "_nnviz.live"


@pytest.fixture(autouse=True, params=["sqlite", "redis"])
def _class_store(request, tmp_path, monkeypatch):
    """Each test on both stores: a fresh SQLite file, and a real redis-server emptied first."""
    if request.param == "redis":
        import redis

        url = request.getfixturevalue("redis_url")
        redis.Redis.from_url(url).flushdb()
        monkeypatch.setenv("NNVIZ_REDIS_URL", url)
    else:
        monkeypatch.delenv("NNVIZ_REDIS_URL", raising=False)
        monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "live"))


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _teacher(page: str = "gradient_descent") -> tuple[AppTest, str]:
    at = _run(AppTest.from_file(APP, default_timeout=60))
    at.switch_page(f"lessons/{page}.py")
    _run(at)
    at.sidebar.button(key="_nnviz.live.start").click()
    _run(at)
    return at, at.session_state[LIVE]["code"]


def _student(code: str, nickname: str = "") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["class"] = code
    _run(at)
    assert at.markdown[0].value == f"#### Join class {code}"
    if nickname:
        at.text_input(key="_nnviz.live.nickname").input(nickname)
    at.button(key="_nnviz.live.join").click()
    return _run(_run(at))  # the join, then the page the class is on


def _room() -> Classroom:
    return Classroom(default_store())


def _button(at: AppTest, key: str):
    return next(b for b in [*at.button, *at.sidebar.button] if b.key == key)


def test_a_student_joins_follows_explores_and_follows_again():
    teacher, code = _teacher()
    student = _student(code)
    assert student.session_state[LIVE]["following"]
    assert student.session_state["_nnviz.live.page"][0] == "gradient_descent"  # the teacher's page opened
    assert any("Following the teacher" in i.value for i in student.info)

    # The teacher moves the learning rate: the student's page shows it, in its settings and its link.
    teacher.select_slider(key="gd.lr").set_value(0.501)
    _run(teacher)
    assert teacher.query_params["lr"] == "0.501"
    _run(student)
    assert student.session_state["gd.lr"] == 0.501
    assert student.query_params["lr"] == "0.501"

    # Explore on my own: the teacher's next change does not reach this student, whose own change stays.
    _button(student, "_nnviz.live.detach").click()
    _run(student)
    assert not student.session_state[LIVE]["following"]
    assert any("Exploring on your own" in i.value for i in student.info)
    student.select_slider(key="gd.lr").set_value(0.0501)
    _run(student)
    teacher.select_slider(key="gd.lr").set_value(0.891)
    _run(teacher)
    _run(student)
    assert student.session_state["gd.lr"] == 0.0501

    # Follow again: the teacher's current view is taken at once.
    _button(student, "_nnviz.live.follow").click()
    _run(_run(student))
    assert student.session_state[LIVE]["following"]
    assert student.session_state["gd.lr"] == 0.891
    joined, following = _room().presence(code)
    assert (joined, following) == (1, 1)


def test_a_question_is_asked_answered_counted_and_revealed_with_its_preset():
    teacher, code = _teacher()
    student = _student(code)
    teacher.selectbox(key="_nnviz.live.bank").set_value(
        "η = 1.12 on the parabola C(w) = (w − 2)²: converges, oscillates or diverges?")
    _button(teacher, "_nnviz.live.ask").click()
    _run(teacher)
    _run(student)
    assert "η = 1.12" in " ".join(t.value for t in student.text)
    send = _button(student, next(b.key for b in student.button if b.key.startswith("_nnviz.live.send.")))
    send.click()  # nothing picked yet
    _run(student)
    assert any("Pick or type an answer first" in e.value for e in student.error)
    student.radio(key=next(r.key for r in student.radio if r.key.startswith("_nnviz.live.answer."))).set_value(
        "diverges")
    _button(student, send.key).click()
    _run(student)
    assert any("Answer sent" in c.value for c in student.caption)

    _run(teacher)
    assert "**answered 1 of 1**" in [m.value for m in teacher.markdown]

    _button(teacher, "_nnviz.live.reveal").click()
    _run(_run(teacher))
    # The preset is applied on the teacher's page and on the student's.
    assert teacher.session_state["gd.lr"] == 1.12 and teacher.session_state["gd.steps"] == 40
    _run(student)
    assert student.session_state["gd.lr"] == 1.12 and student.session_state["gd.steps"] == 40
    assert student.query_params["lr"] == "1.12"
    assert any(s.value == "The answer: diverges. You were right." for s in student.success)


def test_a_number_question_checks_within_its_tolerance_and_explains_a_non_number():
    from nnviz.classroom import questions

    teacher, code = _teacher("backpropagation")
    student = _student(code)
    item = next(i for i in questions.for_page("backpropagation") if i["kind"] == "number")
    teacher.selectbox(key="_nnviz.live.bank").set_value(item["text"])
    _button(teacher, "_nnviz.live.ask").click()
    _run(teacher)
    _run(student)
    box = next(t.key for t in student.text_input if t.key.startswith("_nnviz.live.answer."))
    send = next(b.key for b in student.button if b.key.startswith("_nnviz.live.send."))
    for typed in ("about 0.08", "<b>1</b>", "x" * 40):
        student.text_input(key=box).input(typed)
        _button(student, send).click()
        _run(student)
        assert any("is not a number" in e.value for e in student.error)
    question_id = send.rsplit(".", 1)[1]
    assert _room().answers(code, question_id) == {}
    student.text_input(key=box).input("0,0822")  # a decimal comma counts
    _button(student, send).click()
    _run(student)
    assert not student.error, student.error[0].value
    assert _room().answers(code, question_id) == {student.session_state[LIVE]["member"]: 0.0822}
    _button(teacher, "_nnviz.live.reveal").click()
    _run(_run(teacher))
    _run(student)
    assert any(s.value == f"The answer: {item['answer']:.4g}. You were right." for s in student.success)
    # Reveal opened Mazur's example at step 4 on the student's page.
    assert student.session_state["backprop.stage"] == "gradients"


def _store_two_runs():
    from nnviz.keras.runs import RunStore

    store = RunStore()
    val = {"grows": [1.0, 0.7, 0.5, 0.45, 0.5, 0.6, 0.7, 0.8], "steady": [1.0, 0.8, 0.6, 0.5, 0.45, 0.43, 0.42, 0.41]}
    for name, values in val.items():
        staging = store.staging()
        (staging / "model.keras").write_bytes(b"not really a model")
        store.commit(staging, name, {"data": "iris"}, {"loss": [1.0 - 0.1 * i for i in range(8)], "val_loss": values},
                     [0.5 * (i + 1) for i in range(8)], "someone")


def test_which_run_overfits_is_answered_with_a_run_and_an_epoch_and_gathered_on_the_teachers_chart():
    import json

    _store_two_runs()
    teacher, code = _teacher("loss_curves")
    student = _student(code)
    teacher.multiselect(key="curves.runs").set_value(["grows", "steady"])
    _run(teacher)
    _button(teacher, "_nnviz.live.ask").click()  # the page's only question
    _run(teacher)
    question = _room().question(code)
    assert question.kind == "point" and question.answer == ["grows", 4] and question.options == ("grows", "steady")
    _run(student)
    run = next(s for s in student.selectbox if s.key.endswith(".run"))
    epoch = next(n for n in student.number_input if n.key.endswith(".epoch"))
    run.set_value("grows")
    epoch.set_value(5)
    _button(student, next(b.key for b in student.button if b.key.startswith("_nnviz.live.send."))).click()
    _run(student)
    assert list(_room().answers(code, question.id).values()) == [["grows", 5]]
    _run(teacher)
    assert "**answered 1 of 1**" in [m.value for m in teacher.markdown]
    tally = json.loads(next(c for c in teacher.get("plotly_chart") if "clicks" in c.proto.spec).proto.spec)
    clicks = next(t for t in tally["data"] if t["name"] == "the class's clicks")
    assert clicks["x"] == [5] and clicks["y"] == [0.5] and clicks["text"] == ["1"]
    _button(teacher, "_nnviz.live.reveal").click()
    _run(teacher)
    assert "The answer: grows, from epoch 4 (1 of 1 right)" in [t.value for t in teacher.text]


def test_a_session_without_the_teachers_key_cannot_change_the_class():
    teacher, code = _teacher()
    student = _student(code)
    version = _room().version(code)
    # A student's session that claims to be the teacher, with a guessed key, gets the teacher's buttons drawn,
    # and presses each; the page's first write of its settings then finds the key wrong and leaves the class.
    forged = {**student.session_state[LIVE], "role": "teacher", "key": "a guess"}
    student.session_state[LIVE] = forged
    _run(student)
    for key in ("_nnviz.live.ask", "_nnviz.live.reveal", "_nnviz.live.sweep"):
        student.session_state[LIVE] = dict(forged)
        _button(student, key).click()
        _run(student)
        assert any("Only the teacher's session" in e.value for e in student.error), key
    student.session_state[LIVE] = dict(forged)
    _button(student, "_nnviz.live.end").click()
    _run(student)
    # Nothing it pressed reached the class: no question, no sweep, not ended, the teacher's view unchanged.
    record = _room().record(code)
    assert record["question"] is None and record["sweep"] is None and not record["revealed"]
    assert _room().version(code) == version
    _run(teacher)
    assert teacher.session_state[LIVE]["role"] == "teacher"


def test_a_class_sweep_gives_the_student_one_learning_rate_and_fills_the_teachers_count():
    teacher, code = _teacher()
    student = _student(code)
    _button(teacher, "_nnviz.live.sweep").click()
    _run(teacher)
    _run(student)
    assert any(c.value.startswith("Class sweep: your learning rate is η = 0.001;") for c in student.caption)
    _run(student)  # the student's page opens its cell: plain descent with η = 0.001 on the One weight tab
    assert student.session_state["gd.lr"] == 0.001 and student.session_state["gd.section"] == "One weight"
    _run(teacher)
    assert "**Sweep: 1 of 15 cells in**" in [m.value for m in teacher.markdown]
    assert [value for value, _ in _room().sweep_results(code)] == ["0.001"]


def test_an_ended_or_expired_class_lets_its_students_go_with_a_message():
    from nnviz.ui import live

    teacher, code = _teacher()
    student = _student(code)
    # Expiry: the store drops a class left idle (here at once); its students are told at their next check.
    default_store().delete(f"class:{code}", f"version:{code}")
    live.WATCH.forget(code)
    _run(student)
    assert LIVE not in student.session_state
    assert any("The class has ended" in i.value for i in student.info)
    fresh = AppTest.from_file(APP, default_timeout=60)
    fresh.query_params["class"] = code
    _run(fresh)
    assert any(f"There is no class {code}" in w.value for w in fresh.warning)

    # End class: the teacher's session leaves it, and its answers are gone with it.
    teacher2, code2 = _teacher()
    student2 = _student(code2)
    _button(teacher2, "_nnviz.live.end").click()
    _run(teacher2)
    assert LIVE not in teacher2.session_state
    assert any("its answers are deleted" in i.value for i in teacher2.info)
    _run(student2)
    assert LIVE not in student2.session_state


def test_a_nickname_with_markup_is_plain_text_shown_only_when_the_teacher_chooses():
    nickname = "<b>Ada</b> **x** [a](b)"  # HTML, Markdown bold and a link, within the 24 characters
    teacher, code = _teacher()
    _student(code, nickname)
    assert list(_room().members(code).values()) == [nickname]
    _run(teacher)
    shown = [t.value for t in teacher.text] + [m.value for m in teacher.markdown]
    assert not any(nickname in s for s in shown)  # counts only, until the teacher asks for the names
    assert "**1** joined · **1** following" in [m.value for m in teacher.markdown]
    teacher.toggle(key="_nnviz.live.names").set_value(True)
    _run(teacher)
    assert nickname in [t.value for t in teacher.text]  # as plain text (st.text), never Markdown or HTML
    assert not any(nickname in m.value for m in teacher.markdown)


def test_a_nickname_of_ten_thousand_characters_is_bounded():
    teacher, code = _teacher()
    student = _student(code, "A" * 10_000)  # past the box's limit: whatever arrives, at most 24 are kept
    assert student.session_state[LIVE]["following"]
    stored = list(_room().members(code).values())
    assert len(stored) == 1 and len(stored[0]) <= NICKNAME_CHARS and set(stored[0]) <= {"A"}
    # A session sending the long text straight to the class model is cut to the same bound.
    _room().join(code, "B" * 10_000 + "\n<script>")
    assert sorted(len(n) for n in _room().members(code).values())[-1] == NICKNAME_CHARS
    teacher.toggle(key="_nnviz.live.names").set_value(True)
    _run(teacher)
    assert "B" * NICKNAME_CHARS in " ".join(t.value for t in teacher.text)


def test_the_teachers_play_starts_each_followers_own_copy_from_the_same_seed_and_pause_pauses_it():
    teacher, code = _teacher("playground")
    student = _student(code)
    assert student.session_state["_nnviz.live.page"][0] == "playground"
    teacher.number_input(key="playground.seed").set_value(7)
    _run(teacher)
    _run(student)
    assert student.session_state["playground.seed"] == 7 and student.session_state["playground.playing"] is False
    before = student.session_state["playground.run"]

    _button(teacher, "playground.play").click()
    _run(teacher)
    assert teacher.session_state["playground.playing"] is True
    assert _room().record(code)["play"] == {"page": "playground", "on": True,
                                            "run": teacher.session_state["playground.run"]}
    _run(student)
    assert student.session_state["playground.playing"] is True
    assert student.session_state["playground.run"] != before  # its own copy, started afresh
    mine, theirs = student.session_state["playground.trainer"], teacher.session_state["playground.trainer"]
    assert mine.config == theirs.config and mine.config.seed == 7  # the same settings and seed
    np.testing.assert_array_equal(mine.initial_params, theirs.initial_params)  # so the same first weights
    np.testing.assert_array_equal(mine.data.X_train, theirs.data.X_train)

    _button(teacher, "playground.pause").click()
    _run(teacher)
    _run(student)
    assert student.session_state["playground.playing"] is False
    run = student.session_state["playground.run"]
    # Play again on the same run: the copy goes on from where it paused, not from the start.
    _button(teacher, "playground.play").click()
    _run(teacher)
    _run(student)
    assert student.session_state["playground.playing"] is True and student.session_state["playground.run"] == run

    # A student exploring on their own keeps their own Play and Pause.
    _button(student, "_nnviz.live.detach").click()
    _run(student)
    _button(student, "playground.pause").click()
    _run(student)
    _button(teacher, "playground.pause").click()
    _run(teacher)
    _button(teacher, "playground.play").click()
    _run(teacher)
    _run(student)
    assert student.session_state["playground.playing"] is False


def test_a_playground_sweep_gives_each_student_a_seed_and_the_teachers_chart_their_final_test_losses():
    from nnviz.charts.descent import decode
    from nnviz.ui import live

    teacher, code = _teacher("playground")
    students = [_student(code), _student(code)]
    _button(teacher, "_nnviz.live.sweep.playground.seed").click()
    _run(teacher)
    for student in students:
        _run(student)
    said = [next(c.value for c in s.caption if c.value.startswith("Class sweep: your seed is")) for s in students]
    assert sorted(said)[0].startswith("Class sweep: your seed is 0;")
    assert sorted(said)[1].startswith("Class sweep: your seed is 1;")
    results = dict(_room().sweep_results(code))
    assert sorted(results) == ["0", "1"]
    for seed, loss in results.items():  # each the run at the teacher's settings with the student's seed
        assert loss == live.playground_result({**_room().view(code)["params"], "seed": seed})
        assert 0 < loss < 10
    assert results["0"] != results["1"]

    _run(teacher)
    assert "**Sweep: 2 of 30 cells in**" in [m.value for m in teacher.markdown]
    figure = next(json.loads(c.proto.spec) for c in teacher.get("plotly_chart")
                  if c.proto.id.endswith("_nnviz.live.sweep_chart"))
    points = sorted(zip(decode(figure["data"][0]["x"]), decode(figure["data"][0]["y"])))
    assert points == sorted((float(seed), loss) for seed, loss in results.items())
    assert figure["layout"]["xaxis"].get("type") != "log"  # seeds on a plain axis

    # A sweep of the learning rate over the page's own log scale: the next cell is the first stop.
    _button(teacher, "_nnviz.live.sweep.playground.learning_rate").click()
    _run(teacher)
    _run(students[0])
    assert any(c.value.startswith("Class sweep: your learning rate is η = 1e-05;") for c in students[0].caption)
    assert [value for value, _ in _room().sweep_results(code)] == ["1e-05"]
