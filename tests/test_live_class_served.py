"""A live class on real servers, over Streamlit's own protocol (bench/load.py): forged presses from a student's
session change nothing; under ``make serve`` a killed process loses no class and no answer."""

from __future__ import annotations

import asyncio
import os
import re
import signal

import pytest

from bench.load import Server, Session, run
from nnviz.classroom.classes import Classroom
from nnviz.classroom.store import SQLiteStore
from tests.test_serve import _nginx_or_skip


async def _wait(predicate, timeout: float) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


async def _class(url: str) -> tuple[Session, str]:
    teacher = Session(url, "gradient_descent", seed=1)
    await teacher.open()
    await teacher.click("Start a class")
    assert await _wait(lambda: any("?class=" in t for t in teacher.texts), 30)
    code = re.search(r"\?class=([A-Z]{4})", next(t for t in teacher.texts if "?class=" in t)).group(1)
    return teacher, code


async def _student(url: str, code: str, seed: int) -> Session:
    student = Session(url, "", query=f"class={code}", seed=seed)
    await student.open()
    await student.click("Join")
    return student


def test_a_students_session_cannot_drive_the_class_whatever_it_sends(tmp_path):
    async def scenario(url: str) -> None:
        teacher, code = await _class(url)
        student = await _student(url, code, 2)
        teacher_buttons = {w.label: w.id for w in teacher.widgets.values() if w.kind == "button"}
        for label in ("End class", "Ask this question", "Reveal the answer", "Class sweep: one η each"):
            assert label in teacher_buttons
            await student.forge(teacher_buttons[label])  # a press of a widget this session was never shown
        room = Classroom(SQLiteStore(tmp_path / "classes.sqlite3"))
        record = room.record(code)
        assert record["question"] is None and record["sweep"] is None  # nothing was asked, swept or ended
        # The teacher's own press does work.
        await teacher.click("Ask this question")
        assert room.record(code)["question"] is not None
        await student.close()
        await teacher.close()

    with Server(env={"NNVIZ_DATA_DIR": str(tmp_path)}) as server:
        run(scenario(server.url))


@pytest.mark.timeout(900)
def test_killing_a_served_process_loses_no_class_and_no_answer(tmp_path):
    _nginx_or_skip()

    async def scenario(server) -> None:
        url = server.url
        teacher, code = await _class(url)
        await teacher.click("Ask this question")
        students = [await _student(url, code, 10 + i) for i in range(6)]
        assert await _wait(lambda: all(any(w.label == "Your answer" for w in s.widgets.values()) for s in students),
                           30)
        for s in students:
            await s.choose("Your answer", "diverges")
            await s.click("Send my answer")
        room = Classroom(SQLiteStore(tmp_path / "classes.sqlite3"))
        question = room.question(code)
        assert len(room.answers(code, question.id)) == 6

        # kill -9 one Streamlit process (not nginx): its students lose their connection.
        workers = [pid for pid in server.pids() if "streamlit" in open(f"/proc/{pid}/cmdline").read()]
        assert len(workers) >= 2
        os.kill(workers[0], signal.SIGKILL)
        for s in students + [teacher]:
            await s.close()

        # A student opens the class address again (a browser reconnects and reloads it): the class is there,
        # and every answer given before is still counted.
        again = await _student(url, code, 99)
        assert await _wait(lambda: any("Following the teacher" in t for t in again.texts)
                           or any(w.label == "Explore on my own" for w in again.widgets.values()), 30)
        assert len(room.answers(code, question.id)) == 6
        assert room.record(code)["question"]["id"] == question.id
        await again.close()

    with Server(workers=2, env={"NNVIZ_DATA_DIR": str(tmp_path)}) as server:
        run(scenario(server))
