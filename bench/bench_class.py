"""A live class under load: simulated followers over Streamlit's WebSocket protocol (see bench/load.py).

On ``make serve``'s set-up (NNVIZ_CLASS_WORKERS Streamlit processes, default 2, behind nginx), with the class
state in SQLite in a fresh data folder:

1. A teacher starts a class on /gradient_descent; NNVIZ_CLASS_FOLLOWERS students (default 100) open
   ``/?class=CODE`` within 10 s and press Join; each follows (its page checks the class as a browser's does).
2. Idle: the server's cores while they all sit following (nothing else running), then the p95 of 5 other
   students moving a slider on /perceptron every second, beside the same 5 students measured before the class.
3. The teacher moves the learning rate five times: for each move, the time until every follower's session has
   rerun with the new value in its URL (target: p95 < 1.5 s, p99 < 3 s, no errors), and the servers' CPU
   per follower and change beyond the idle class's.
4. The teacher asks a question; every student answers within 10 s (two reruns each: pick, send); all answers
   counted (0 lost), and the time until the teacher's screen shows the full count (target: within 1 s of the
   last answer being stored).

Environment: NNVIZ_CLASS_FOLLOWERS, NNVIZ_CLASS_WORKERS.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import tempfile
import time

from bench.common import percentile, table
from bench.load import CpuMeter, Server, Session, cpu_seconds, run, sliders

PAGE = "gradient_descent"
LR_LABEL = "learning rate η"


async def _wait(predicate, timeout: float, poll: float = 0.02):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if predicate():
            return True
        await asyncio.sleep(poll)
    return predicate()


def _param(query: str, name: str) -> str | None:
    match = re.search(rf"(?:^|&){name}=([^&]*)", query)
    return match.group(1) if match else None


async def scenario(url: str, followers: int, pids) -> dict:
    out: dict = {"errors": []}
    rng = random.Random(0)
    # Before the class: the other students' slider moves, for comparison.
    baseline = await sliders(url, ["perceptron"], sessions=5, interval=1.0, duration=15, arrival=1.0)
    out["slider_before"] = baseline

    teacher = Session(url, PAGE, seed=1)
    await teacher.open()
    await teacher.click("Start a class")
    await _wait(lambda: any("?class=" in t for t in teacher.texts), 10)
    code = re.search(r"\?class=([A-Z]{4})", next(t for t in teacher.texts if "?class=" in t)).group(1)

    students: list[Session] = []

    async def join(i: int) -> None:
        await asyncio.sleep(rng.uniform(0, 10))
        student = Session(url, "", query=f"class={code}", seed=100 + i)
        students.append(student)
        try:
            await student.open()
            await student.click("Join")
        except Exception as exc:  # counted, the class goes on
            out["errors"].append(f"join: {type(exc).__name__}: {exc}")

    await asyncio.gather(*(join(i) for i in range(followers)))
    joined = await _wait(lambda: all(s.page_script_hash and "gradient" in s.query + s.page
                                      or _param(s.query, "class") for s in students), 30)
    await asyncio.sleep(3)
    out["joined"] = len(students)
    out["joined_ok"] = joined

    # Idle: every follower checks the class; first alone (the class's own cost), then beside 5 other students.
    meter = CpuMeter(pids)
    meter.start()
    await asyncio.sleep(10)
    out["idle_cores"] = meter.stop()
    during = await sliders(url, ["perceptron"], sessions=5, interval=1.0, duration=15, arrival=1.0, seed=7)
    out["slider_during"] = during

    # The teacher moves the learning rate: time until each follower's URL carries the new value.
    options = teacher.options(LR_LABEL)
    latencies: list[float] = []
    missed = 0
    cpu_before, moves_began = cpu_seconds(pids), time.perf_counter()
    for step in range(5):
        option = options[options.index(options[len(options) // 2]) + step + 1]
        start = time.perf_counter()
        await teacher.choose(LR_LABEL, option)
        lr = _param(teacher.query, "lr")
        seen: dict[int, float] = {}

        def all_seen() -> bool:
            now = time.perf_counter()
            for i, s in enumerate(students):
                if i not in seen and _param(s.query, "lr") == lr:
                    seen[i] = now - start
            return len(seen) == len(students)

        await _wait(all_seen, 15)
        missed += len(students) - len(seen)
        latencies.extend(seen.values())
        await asyncio.sleep(1.0)
    # The servers' CPU for the moves beyond what the idle class costs in the same time, per follower and move.
    beyond = cpu_seconds(pids) - cpu_before - out["idle_cores"] * (time.perf_counter() - moves_began)
    out["cpu_per_update"] = beyond / max(len(students) * 5, 1)
    out["follow"] = latencies
    out["follow_missed"] = missed

    # A question: everyone answers within 10 s; all counted, and the teacher's screen says so.
    await teacher.click("Ask this question")
    await asyncio.sleep(2.5)  # two follower checks: the question is on every student's screen
    sent: list[float] = []

    async def answer(student: Session) -> None:
        await asyncio.sleep(rng.uniform(0, 8))
        try:
            await student.choose("Your answer", "diverges")
            await student.click("Send my answer")
            sent.append(time.perf_counter())
        except Exception as exc:
            out["errors"].append(f"answer: {type(exc).__name__}: {exc}")

    first = time.perf_counter()
    await asyncio.gather(*(answer(s) for s in students))
    out["answers_window"] = (max(sent) - first) if sent else None
    want = f"answered {len(students)} of"
    last = max(sent) if sent else time.perf_counter()
    shown = await _wait(lambda: any(want in t for t in teacher.texts[-40:]), 15)
    out["count_after_last"] = (time.perf_counter() - last) if shown else None
    counted = [t for t in teacher.texts if t.startswith("**answered ")]
    out["counted"] = int(re.search(r"answered (\d+)", counted[-1]).group(1)) if counted else 0
    out["answers_sent"] = len(sent)

    for s in [teacher, *students]:
        await s.close()
    return out


def main() -> None:
    followers = int(os.environ.get("NNVIZ_CLASS_FOLLOWERS", "100"))
    workers = int(os.environ.get("NNVIZ_CLASS_WORKERS", "2"))
    one, five, _ = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d')}: `python -m bench class` (make serve: {workers} processes behind nginx, "
          f"{followers} followers; load average {one:.1f} before)")
    with tempfile.TemporaryDirectory() as data, Server(workers=workers, env={"NNVIZ_DATA_DIR": data}) as server:
        out = run(scenario(server.url, followers, server.pids()))
    ms = [x * 1000 for x in out["follow"]]
    before = [x * 1000 for x in out["slider_before"].rerun]
    during = [x * 1000 for x in out["slider_during"].rerun]
    rows = [
        {"measure": "students joined", "value": out["joined"], "target": followers},
        {"measure": "teacher's change on every follower's page: p50 ms", "value": percentile(ms, 50), "target": ""},
        {"measure": "… p95 ms", "value": percentile(ms, 95), "target": "< 1500"},
        {"measure": "… p99 ms", "value": percentile(ms, 99), "target": "< 3000"},
        {"measure": "follower updates missed (5 changes)", "value": out["follow_missed"], "target": 0},
        {"measure": "server CPU per follower per change, ms", "value": round(1000 * out["cpu_per_update"], 1),
         "target": ""},
        {"measure": "server cores, class idle", "value": round(out["idle_cores"], 2), "target": ""},
        {"measure": "other students' slider p95 ms, before the class", "value": percentile(before, 95),
         "target": ""},
        {"measure": "… with the class idle", "value": percentile(during, 95), "target": "< 300"},
        {"measure": "answers sent (within s)", "value": f"{out['answers_sent']} ({out['answers_window'] or 0:.1f} s)",
         "target": f"{followers} (10 s)"},
        {"measure": "answers counted on the teacher's screen", "value": out["counted"], "target": out["answers_sent"]},
        {"measure": "teacher's count current after the last answer, s",
         "value": "never" if out["count_after_last"] is None else round(out["count_after_last"], 2),
         "target": "< 1"},
        {"measure": "errors", "value": len(out["errors"]) + len(out["slider_during"].errors), "target": 0},
    ]
    print(table(rows, ["measure", "value", "target"]))
    if os.environ.get("NNVIZ_CLASS_DEBUG"):
        print({k: v for k, v in out.items() if k not in ("slider_before", "slider_during")})
    for error in out["errors"][:5]:
        print("  error:", error)


if __name__ == "__main__":
    main()
