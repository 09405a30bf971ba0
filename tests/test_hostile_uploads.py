"""Crafted file names uploaded to a real ``streamlit run`` as a browser uploads (bench/load.py ``Session.upload``):
the Keras page and the playground answer with their own message, never an error box or a traceback, and the page
still answers a slider move afterwards.

What Streamlit 1.67 does with each name: it stores the upload in memory under a random file id, so the name is
never a path (``../../etc/passwd.csv`` is read like any file); it keeps the name as sent, so the page must show it
as text (``<img src=x>.csv`` in an error); it puts no limit on a name's length. With ``type=["csv"]`` alone it
would refuse a name without ``.csv`` before the page's script runs, on every rerun of that session (its redacted
error box), so the pages name the CSV MIME type too and refuse such a name themselves (``nnviz.ui.upload``).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pandas as pd
import pytest

from bench.bench_hostile import long_csv, wide_csv
from bench.load import Server, Session, run
from nnviz import playground as pg
from nnviz import tabular
from nnviz.ui import offload

KERAS_CSV = b"size,rooms,price\n" + b"".join(f"{50 + i},{1 + i % 4},{i % 2}\n".encode() for i in range(60))
POINTS_CSV = b"x1,x2,label\n" + b"".join(f"{i / 30 - 1:.3f},{1 - i / 30:.3f},{i % 2}\n".encode() for i in range(60))
NOT_CSV = b"\x00\x01binary"  # refused by the page's own reader, which then names the file
LONG = "n" * 296 + ".csv"  # 300 characters
CRAFTED = ["../../etc/passwd.csv", "<img src=x>.csv", LONG]
PAGES = {  # page: (its data set choice, the uploader's label, a good file)
    "keras_training": ("upload a CSV", "CSV file", KERAS_CSV),
    "playground": ("upload", "CSV with columns", POINTS_CSV),
}


class Recording(Session):
    """A session that also keeps the exception elements it was sent (their traceback field, above all)."""

    def _element(self, element) -> None:
        if element.WhichOneof("type") == "exception":
            self.raised = [*getattr(self, "raised", []), element.exception]
        super()._element(element)


@pytest.fixture(scope="module")
def server():
    with Server() as running:
        yield running


async def _page(url: str, page: str) -> Recording:
    session = Recording(url, page, seed=7)
    await session.open()
    await session.select("Data set", PAGES[page][0])
    return session


async def _crafted_names(url: str, page: str) -> dict:
    _, label, good = PAGES[page]
    seen: dict = {}
    session = await _page(url, page)
    try:
        for name in CRAFTED:
            session.error_alerts.clear()
            await session.upload(label, name, good)  # raises if the page shows an exception
            seen[name] = list(session.error_alerts)
            await session.move_slider()
            assert not session.exceptions, (name, session.exceptions)
        session.error_alerts.clear()
        await session.upload(label, "<img src=x>.csv", NOT_CSV)
        seen["bad content"] = list(session.error_alerts)
        await session.move_slider()
        session.error_alerts.clear()
        await session.upload(label, "points", good)  # no extension: Streamlit refuses the file
        seen["no extension"] = list(session.error_alerts)
        await session.move_slider()
        assert not session.exceptions, session.exceptions
    except RuntimeError as refused:
        seen["refused"] = str(refused)
    seen["tracebacks"] = [list(e.stack_trace) for e in getattr(session, "raised", [])]
    await session.remove_upload(label)  # the uploader's ✕
    await session.move_slider()
    seen["after"] = list(session.exceptions)
    await session.upload(label, "again.csv", good)  # the session's uploader still works
    await session.move_slider()
    seen["again"] = list(session.exceptions)
    await session.close()
    return seen


@pytest.mark.parametrize("page", list(PAGES))
def test_crafted_file_names_get_the_pages_message_and_the_page_goes_on(server, page):
    seen = run(_crafted_names(server.url, page))
    for name in CRAFTED:  # a good file under a crafted name is read like any other
        assert seen[name] == [], (name, seen[name])
    if page == "keras_training":  # the page names the file in its message, as text
        (message,) = seen["bad content"]
        assert "binary" in message and "img src" in message and "<img src=x>" not in message
    else:  # the playground reads the bytes as text and says what is missing
        assert len(seen["bad content"]) == 1
    # A name without .csv (only a crafted request sends one): the app's message, no error box.
    assert "refused" not in seen, seen.get("refused")
    assert any("does not end in .csv" in message for message in seen["no extension"]), seen["no extension"]
    assert seen["tracebacks"] == []  # no error box at all
    assert seen["after"] == [] and seen["again"] == []


def test_a_refused_upload_leaves_other_sessions_alone(server):
    async def scenario() -> tuple[list, float]:
        hostile = await _page(server.url, "playground")
        try:
            await hostile.upload(PAGES["playground"][1], "points.exe", POINTS_CSV)
        except RuntimeError:
            pass
        other = Session(server.url, "playground", seed=8)
        await other.open()
        took = await other.move_slider()
        await hostile.close()
        await other.close()
        return other.exceptions, took

    exceptions, took = run(scenario())
    assert exceptions == [] and took > 0


# -- heavy work off the server's interpreter (nnviz.ui.offload) -------------------------------------------------
WIDE = wide_csv(11, size=400_000, columns=40)  # the benchmark's wide table with gaps, smaller


def _nice(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[16])


def test_offloaded_work_runs_in_one_worker_process_at_the_lowest_priority():
    worker = offload.run(os.getpid)
    assert worker != os.getpid()
    assert offload.worker_pids() == [worker]
    assert _nice(worker) == 19 and offload.run(os.nice, 0) == 19
    assert offload.run(os.getpid) == worker  # started once, then reused
    assert offload.run(os.getpid, here=True) == os.getpid()  # a small, known input: computed here


def test_a_csv_read_in_the_worker_is_the_table_read_here():
    there = offload.run(tabular.read_csv, WIDE, "wide.csv")
    here = tabular.read_csv(WIDE, "wide.csv")
    pd.testing.assert_frame_equal(there.frame, here.frame)
    assert there.frame.isna().any().any()  # the gaps came through as gaps
    target = there.frame.columns[-1]
    assert offload.run(tabular.explore, there.frame, target, "binary").words() == \
        tabular.explore(here.frame, target, "binary").words()


def test_a_files_problem_arrives_as_its_message():
    with pytest.raises(ValueError, match="line 3 has 1 fields but the header has 2 columns"):
        offload.run(tabular.read_csv, b"a,b\n1,2\n3\n", "ragged.csv")
    with pytest.raises(ValueError, match="at most 2,000 rows"):
        offload.run(pg.parse_csv, long_csv(3, size=200_000).decode())


def test_a_task_over_its_cpu_budget_is_stopped_with_a_message_and_the_worker_goes_on():
    worker = offload.run(os.getpid)
    text = long_csv(4, size=5_000_000).decode()
    with pytest.raises(offload.TooLong, match="was stopped; try a smaller file"):
        offload.run(pg.parse_csv, text, 10**9, cpu_seconds=0.05)  # no row limit: reads every one of 294,000
    assert offload.run(os.getpid) == worker


def test_a_killed_worker_is_replaced_by_the_next_task():
    worker = offload.run(os.getpid)
    os.kill(worker, signal.SIGKILL)
    for _ in range(300):  # until the pool has seen its worker die (it reaps the process)
        if not os.path.exists(f"/proc/{worker}"):
            break
        time.sleep(0.1)
    replaced = offload.run(os.getpid)
    assert replaced not in (worker, os.getpid())
    assert offload.run(tabular.read_csv, b"a,b\n1,2\n", "small.csv").frame.shape == (1, 2)


def test_the_worker_never_runs_the_page_script_that_started_it(tmp_path, monkeypatch):
    import sys
    import types

    marker = tmp_path / "ran"
    page = tmp_path / "page.py"  # as Streamlit runs a page: the script is __main__ while it runs
    page.write_text(f"open({str(marker)!r}, 'a').write('ran')\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(page)
    old = offload.run(os.getpid)
    os.kill(old, signal.SIGKILL)  # so that the next task starts a new worker while the page is __main__
    for _ in range(300):
        if not os.path.exists(f"/proc/{old}"):
            break
        time.sleep(0.1)
    monkeypatch.setitem(sys.modules, "__main__", main)
    assert offload.run(os.getpid) not in (old, os.getpid())
    assert not marker.exists()


def _children(pid: int) -> list[int]:
    from bench.load import descendants

    return [child for child in descendants(pid) if child != pid]


def test_a_served_upload_is_read_by_a_worker_of_the_server_at_the_lowest_priority(server):
    async def scenario() -> tuple[list, list]:
        session = await _page(server.url, "keras_training")
        await session.upload("CSV file", "wide.csv", WIDE)
        await session.move_slider()
        shown = list(session.error_alerts), list(session.exceptions)
        await session.close()
        return shown

    alerts, exceptions = run(scenario())
    assert alerts == [] and exceptions == []
    niced = [pid for pid in _children(server.proc.pid) if _nice(pid) == 19]
    assert niced, "no worker process of the lowest priority under the server"


# -- fair turns between browsers (nnviz.ui.pacing) ------------------------------------------------------------
def _fresh(monkeypatch):
    from nnviz.ui import pacing

    monkeypatch.setattr(pacing, "_browsers", type(pacing._browsers)())
    return pacing


def test_a_browser_under_its_burst_never_waits(monkeypatch):
    pacing = _fresh(monkeypatch)
    pacing.charge("other", 0.01, started=100.0, now=100.0)
    for i in range(20):  # a math page's slider every half second: 40 ms each
        now = 100.0 + 0.5 * i
        assert pacing.wait_for("student", now) == 0.0
        pacing.charge("student", 0.04, started=now, now=now)


def test_a_browser_over_its_share_waits_while_others_use_the_server(monkeypatch):
    pacing = _fresh(monkeypatch)
    now = 100.0
    for _ in range(10):  # page after page, 150 ms each, without a pause
        pacing.charge("links", 0.15, started=now, now=now + 0.15)
        now += 0.15
    pacing.charge("student", 0.04, started=now - 0.5, now=now - 0.46)  # a slider moved half a second ago
    pause = pacing.wait_for("links", now)
    assert 0 < pause < pacing.MAX_WAIT
    # The charge drains at SHARE of a core: after the pause the browser is back at its burst.
    assert pacing.wait_for("links", now + pause) == pytest.approx(0.0, abs=1e-9)
    assert pacing.wait_for("student", now) == 0.0


def test_a_browser_alone_on_the_server_never_waits(monkeypatch):
    pacing = _fresh(monkeypatch)
    now = 100.0
    for _ in range(30):
        pacing.charge("links", 0.15, started=now, now=now + 0.15)
        now += 0.15
    assert pacing.wait_for("links", now) == 0.0
    pacing.charge("student", 0.04, started=now, now=now)  # someone else arrives
    assert pacing.wait_for("links", now) > 0


def test_one_long_run_makes_the_next_wait_at_most_the_longest_wait(monkeypatch):
    pacing = _fresh(monkeypatch)
    pacing.charge("student", 0.04, started=399.5, now=399.6)
    pacing.charge("trainer", 300.0, started=100.0, now=400.0)  # a training's run
    assert pacing.wait_for("trainer", 400.0) == pytest.approx(pacing.MAX_WAIT)
    assert pacing.wait_for("trainer", 400.0 + pacing.MAX_WAIT) == pytest.approx(0.0)


def test_the_number_of_browsers_remembered_is_bounded(monkeypatch):
    pacing = _fresh(monkeypatch)
    for i in range(pacing._KEEP + 50):
        pacing.charge(f"browser{i}", 0.01, started=100.0, now=100.0)
    assert len(pacing._browsers) == pacing._KEEP and "browser0" not in pacing._browsers


def test_every_page_run_is_charged_to_its_session_without_a_cookie():
    from streamlit.testing.v1 import AppTest

    from nnviz.ui import pacing

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    keys = [key for key in pacing._browsers if key.startswith("session:")]
    assert keys and all(pacing._browsers[key][0] >= 0 for key in keys)


def test_a_browsers_tabs_share_one_token_whatever_the_cookies_mask():
    from nnviz.ui import pacing

    secret = bytes(range(16))
    masks = [bytes([7] * 4), bytes([1, 2, 3, 4])]
    cookies = [f"2|{m.hex()}|{bytes(b ^ m[i % 4] for i, b in enumerate(secret)).hex()}|1765000000" for m in masks]
    assert cookies[0] != cookies[1]
    assert pacing.token(cookies[0]) == pacing.token(cookies[1]) == secret.hex()
    assert pacing.token("not a tornado cookie") == "not a tornado cookie"


def test_an_idle_worker_ends_and_the_next_task_starts_a_new_one():
    worker = offload.run(os.getpid)
    assert offload.stop_if_idle()
    for _ in range(300):  # the worker exits once it has read the pool's stop
        if not os.path.exists(f"/proc/{worker}"):
            break
        time.sleep(0.1)
    assert not os.path.exists(f"/proc/{worker}")
    assert offload.run(os.getpid) not in (worker, os.getpid())
    assert not offload.stop_if_idle(task=-1)  # a task came since that one: the worker stays
