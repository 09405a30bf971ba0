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

Why a run is slow, in counts: per Streamlit process (nginx's access log names the process that answered each
sticky key) the followers it serves (and whether the teacher's), their p95, its cores with the class idle, its
CPU per follower and change, its threads (one per script run under way), its user and system CPU and its full
garbage collections (bench/gcwatch) during the changes; for each follower and change, what reran on its page
(the page's sections as designed, the whole page, or nothing before the new value showed); the followers'
checks per second; and what else shared the cores: the harness's own and other processes' cores, the
hypervisor's steal, a fixed Python loop's CPU time, and how late the harness's event loop woke.

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
from bench.load import CpuMeter, Server, Session, cpu_seconds, descendants, run, sliders

GCWATCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gcwatch")
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


def _processes(server: Server) -> dict[str, int]:
    """Each Streamlit process's pid by its upstream address ("127.0.0.1:PORT"), as nginx names it."""
    found = {}
    for pid in descendants(server.proc.pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().decode(errors="replace").split("\0")
        except OSError:
            continue
        if "streamlit" in argv and "--server.port" in argv:
            i = argv.index("--server.port")
            found[f"{argv[argv.index('--server.address') + 1]}:{argv[i + 1]}"] = pid
    return found


def _upstreams(log: str) -> dict[str, str]:
    """The process (upstream address) that answered each sticky key, from nginx's access log."""
    answered = {}
    for line in log.splitlines():
        parts = line.split(" ", 4)
        if len(parts) == 5 and parts[1] != "-":
            answered[parts[4]] = parts[1].split(", ")[-1]  # after a retry: the last process tried
    return answered


class _Machine:
    """The whole machine's busy cores, the hypervisor's steal and this harness's own cores between start() and
    stop() (Linux /proc/stat): the servers share the cores with the harness and with whatever else runs."""

    def start(self) -> None:
        self._at = (*self._read(), time.process_time(), time.perf_counter())

    def stop(self) -> dict:
        busy, steal, own, wall = self._at
        now_busy, now_steal = self._read()
        wall = time.perf_counter() - wall
        return {"busy": (now_busy - busy) / wall, "steal": (now_steal - steal) / wall,
                "harness": (time.process_time() - own) / wall}

    @staticmethod
    def _read() -> tuple[float, float]:
        with open("/proc/stat") as f:
            user, nice, system, _idle, _wait, irq, softirq, steal = map(int, f.readline().split()[1:9])
        return (user + nice + system + irq + softirq) / _TICKS, steal / _TICKS


_TICKS = os.sysconf("SC_CLK_TCK")


async def _lateness(samples: list, every: float = 0.05) -> None:
    """How late this harness's event loop wakes (when, seconds late): a late loop reads the servers' answers late."""
    while True:
        asleep = time.perf_counter()
        await asyncio.sleep(every)
        samples.append((asleep, time.perf_counter() - asleep - every))


async def _threads(processes: dict[str, int], samples: list, every: float = 0.1) -> None:
    """Each process's threads every ``every`` seconds (when, {process: threads}): Streamlit runs each script run
    in a thread of its own, so this counts the runs under way at once (plus a few threads of its own)."""
    while True:
        counts = {}
        for name, pid in processes.items():
            try:
                with open(f"/proc/{pid}/status") as f:
                    counts[name] = next(int(line.split()[1]) for line in f if line.startswith("Threads:"))
            except (OSError, StopIteration, ValueError):
                pass
        samples.append((time.perf_counter(), counts))
        await asyncio.sleep(every)


def _loop_cpu(n: int = 200_000) -> float:
    """CPU seconds of a fixed piece of Python: the same work costs more CPU on cores shared with other work."""
    began, total = time.thread_time(), 0
    for i in range(n):
        total += i * i % 7
    return time.thread_time() - began


async def _speed(samples: list, every: float = 0.5) -> None:
    """The fixed loop's CPU time (when, seconds) every ``every`` seconds, in a thread of its own."""
    while True:
        samples.append((time.perf_counter(), await asyncio.to_thread(_loop_cpu)))
        await asyncio.sleep(every)


def _collections(folder: str, pid: int, begun: float, ended: float) -> tuple[int, float, float]:
    """A process's full garbage collections between two wall-clock times: how many, CPU seconds in all, the
    longest's seconds (logged by bench/gcwatch/sitecustomize.py)."""
    took, cpu = [], 0.0
    try:
        with open(os.path.join(folder, f"gc-{pid}.log")) as f:
            for line in f:
                when, generation, seconds, cpu_seconds = line.split()
                if generation == "2" and begun <= float(when) <= ended:
                    took.append(float(seconds))
                    cpu += float(cpu_seconds)
    except (OSError, ValueError):
        pass
    return len(took), cpu, max(took, default=0.0)


def _script_runs(folder: str, pid: int, begun: float, ended: float, checks: set[str]) -> dict[str, list[float]]:
    """A process's script runs between two wall-clock times, by kind (the followers' "check", "sections", a
    "full" run): each one's CPU seconds (logged by bench/gcwatch/sitecustomize.py)."""
    kinds: dict[str, list[float]] = {"check": [], "sections": [], "full": []}
    try:
        with open(os.path.join(folder, f"runs-{pid}.log")) as f:
            for line in f:
                when, cpu, _took, fragments = line.split()
                if begun <= float(when) <= ended:
                    kind = "full" if fragments == "-" else "check" if set(fragments.split(",")) <= checks \
                        else "sections"
                    kinds[kind].append(float(cpu))
    except (OSError, ValueError):
        pass
    return kinds


def _user_system(pid: int) -> tuple[float, float]:
    """A process's user and system CPU seconds so far (Linux /proc)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) / _TICKS, int(fields[12]) / _TICKS
    except (OSError, IndexError, ValueError):
        return 0.0, 0.0


def _reran(session: Session, start: float, end: float) -> str:
    """What reran on a follower's page between the change and its new value showing."""
    checks = {(fragment,) for fragment in session.ticking}  # the follower's own check
    kinds = {"whole page" if not fragments else "sections"
             for when, fragments in session.runs if start <= when <= end and fragments not in checks}
    return "whole page" if "whole page" in kinds else "sections" if kinds else "nothing"


async def scenario(url: str, followers: int, pids, processes: dict[str, int] | None = None) -> dict:
    processes = processes or {}
    out: dict = {"errors": [], "late": [], "speed": [], "threads": []}
    watches = [asyncio.create_task(_lateness(out["late"])), asyncio.create_task(_speed(out["speed"])),
               asyncio.create_task(_threads(processes, out["threads"]))]
    try:
        return await _scenario(url, followers, pids, processes, out)
    finally:
        for watch in watches:
            watch.cancel()


async def _scenario(url: str, followers: int, pids, processes: dict[str, int], out: dict) -> dict:
    rng = random.Random(0)
    # Before the class: the other students' slider moves, for comparison.
    out["class_began"] = time.perf_counter()
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
    out["teacher"], out["students"] = teacher, students

    # Idle: every follower checks the class; first alone (the class's own cost), then beside 5 other students.
    meter, machine = CpuMeter(pids), _Machine()
    per_process = {name: CpuMeter([pid]) for name, pid in processes.items()}
    ticks = [s.ticks_sent for s in students]
    for m in [meter, machine, *per_process.values()]:
        m.start()
    await asyncio.sleep(10)
    out["idle_machine"] = machine.stop()
    out["idle_cores"] = meter.stop()
    out["idle_cores_by"] = {name: m.stop() for name, m in per_process.items()}
    out["checks_per_s"] = [(s.ticks_sent - t) / 10 for s, t in zip(students, ticks)]
    during = await sliders(url, ["perceptron"], sessions=5, interval=1.0, duration=15, arrival=1.0, seed=7)
    out["slider_during"] = during

    # The teacher moves the learning rate: time until each follower's URL carries the new value.
    options = teacher.options(LR_LABEL)
    latencies: list[float] = []
    by_follower: list[tuple[int, float]] = []  # (follower, seconds) of every update seen
    reran: list[tuple[int, str]] = []  # (follower, what reran) for every update seen
    missed = 0
    cpu_before, moves_began = cpu_seconds(pids), time.perf_counter()
    cpu_before_by = {name: cpu_seconds([pid]) for name, pid in processes.items()}
    machine.start()
    out["moves_clock"] = [time.time()]
    split_before = {name: _user_system(pid) for name, pid in processes.items()}
    for step in range(5):
        option = options[options.index(options[len(options) // 2]) + step + 1]
        start = time.perf_counter()
        out.setdefault("moves", []).append(start)
        out.setdefault("teacher_runs", []).append(await teacher.choose(LR_LABEL, option))
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
        by_follower.extend(seen.items())
        reran.extend((i, _reran(students[i], start, start + latency + 0.01)) for i, latency in seen.items())
        await asyncio.sleep(1.0)
    # The servers' CPU for the moves beyond what the idle class costs in the same time, per follower and move.
    moving = time.perf_counter() - moves_began
    out["moves_clock"].append(time.time())
    out["user_system_by"] = {name: tuple(b - a for a, b in zip(split_before[name], _user_system(pid)))
                             for name, pid in processes.items()}
    out["moves_machine"] = machine.stop()
    out["moves_servers"] = (cpu_seconds(pids) - cpu_before) / moving
    out["moves_window"] = (moves_began, moves_began + moving)
    beyond = cpu_seconds(pids) - cpu_before - out["idle_cores"] * moving
    out["cpu_per_update"] = beyond / max(len(students) * 5, 1)
    out["cpu_moves_by"] = {name: cpu_seconds([pid]) - cpu_before_by[name] - out["idle_cores_by"][name] * moving
                           for name, pid in processes.items()}
    out["follow_by"] = by_follower
    out["reran"] = reran
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


def _by_process(out: dict, processes: dict[str, int], answered: dict[str, str]) -> list[dict]:
    """Rows that split the followers' numbers by the Streamlit process that serves them, and what reran."""
    def where(session: Session) -> str | None:
        return answered.get(getattr(session, "cookies", {}).get("nnviz_node", ""))

    names = sorted(processes, key=lambda a: int(a.rsplit(":", 1)[1]))
    home = [where(s) for s in out["students"]]
    teacher = where(out["teacher"])
    count = {name: home.count(name) for name in names}
    ms = {name: [1000 * t for i, t in out["follow_by"] if home[i] == name] for name in names}
    paths = {kind: sum(1 for _, k in out["reran"] if k == kind) for kind in ("sections", "whole page", "nothing")}
    checks = out["checks_per_s"]
    each = " / ".join
    begun, ended = out["moves_window"]
    threads = {name: [c[name] for at, c in out["threads"] if begun <= at <= ended and name in c] for name in names}
    return [
        {"measure": "followers per process (* the teacher's)",
         "value": each(f"{count[n]}{'*' if n == teacher else ''}" for n in names)
         + (f" + {home.count(None)} unknown" if None in home else ""), "target": ""},
        {"measure": "… p95 ms per process", "value": each(f"{percentile(ms[n], 95):.0f}" for n in names),
         "target": ""},
        {"measure": "… server cores per process, class idle",
         "value": each(f"{out['idle_cores_by'][n]:.2f}" for n in names), "target": ""},
        {"measure": "… CPU per follower per change per process, ms",
         "value": each(f"{1000 * out['cpu_moves_by'][n] / max(5 * count[n], 1):.1f}" for n in names),
         "target": ""},
        {"measure": "… threads per process during the changes: median (max)",
         "value": each(f"{percentile(threads[n], 50):.0f} ({max(threads[n], default=0)})" for n in names),
         "target": ""},
        {"measure": "… CPU s during the changes per process: user + system",
         "value": each("{:.1f} + {:.1f}".format(*out["user_system_by"][n]) for n in names), "target": ""},
        {"measure": "… CPU ms per script run then per process, median: check, sections, full (count)",
         "value": each(", ".join(f"{1000 * percentile(runs[k], 50):.1f} ({len(runs[k])})"
                                 for k in ("check", "sections", "full"))
                       for runs in (out.get("script_runs_by", {}).get(n) or {"check": [], "sections": [], "full": []}
                                    for n in names)), "target": ""},
        {"measure": "… full garbage collections then per process: count, CPU ms in all (longest, wall ms)",
         "value": each("{}, {:.0f} ({:.0f})".format(c, 1000 * t, 1000 * m)
                       for c, t, m in (out["collections_by"][n] for n in names)), "target": ""},
        {"measure": "follower reruns per change: sections / whole page / nothing",
         "value": f"{paths['sections']} / {paths['whole page']} / {paths['nothing']}", "target": ""},
        {"measure": "follower checks per s, class idle: median (max)",
         "value": f"{percentile(checks, 50):.2f} ({max(checks, default=0):.2f})", "target": f"{1 / 0.75:.2f}"},
    ]


def _machine_rows(out: dict) -> list[dict]:
    """Rows on what else shared the cores while the teacher changed the rate, and how late the harness read."""
    use = out["moves_machine"]
    rest = use["busy"] - out["moves_servers"] - use["harness"]
    begun, ended = out["moves_window"]
    late = [1000 * late for at, late in out["late"] if begun <= at <= ended]
    before = [1000 * cpu for at, cpu in out["speed"] if at < out["class_began"] + 15]
    during = [1000 * cpu for at, cpu in out["speed"] if begun <= at <= ended]
    return [
        {"measure": "cores during the changes: servers / this harness / other processes",
         "value": f"{out['moves_servers']:.2f} / {use['harness']:.2f} / {max(rest, 0):.2f}",
         "target": "other ≈ 0"},
        {"measure": "… hypervisor's steal, cores", "value": f"{use['steal']:.2f}", "target": ""},
        {"measure": "a fixed Python loop's CPU ms: before the class / during the changes",
         "value": f"{percentile(before, 50):.1f} / {percentile(during, 50):.1f}", "target": "equal"},
        {"measure": "harness's event loop late during the changes: p95 / max ms",
         "value": f"{percentile(late, 95):.0f} / {max(late, default=0):.0f}", "target": ""},
    ]


def main() -> None:
    followers = int(os.environ.get("NNVIZ_CLASS_FOLLOWERS", "100"))
    workers = int(os.environ.get("NNVIZ_CLASS_WORKERS", "2"))
    one, five, _ = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d')}: `python -m bench class` (make serve: {workers} processes behind nginx, "
          f"{followers} followers; load average {one:.1f} before)")
    with tempfile.TemporaryDirectory() as data:
        log = os.path.join(data, "access.log")
        # Each Streamlit process logs its full garbage collections (bench/gcwatch/sitecustomize.py).
        path = os.pathsep.join(p for p in (GCWATCH, os.environ.get("PYTHONPATH", "")) if p)
        env = {"NNVIZ_DATA_DIR": data, "NNVIZ_ACCESS_LOG": log, "NNVIZ_GC_LOG": data, "NNVIZ_RUN_LOG": "1",
               "PYTHONPATH": path}
        with Server(workers=workers, env=env) as server:
            processes = _processes(server)
            out = run(scenario(server.url, followers, server.pids(), processes))
        with open(log) as f:  # nginx writes a WebSocket's line when it closes: read after the server stopped
            answered = _upstreams(f.read())
        out["collections_by"] = {name: _collections(data, pid, *out["moves_clock"]) for name, pid in processes.items()}
        checks = set().union(*(s.ticking for s in out["students"]))
        out["script_runs_by"] = {name: _script_runs(data, pid, *out["moves_clock"], checks)
                                 for name, pid in processes.items()}
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
    rows[5:5] = _by_process(out, processes, answered) + _machine_rows(out)
    print(table(rows, ["measure", "value", "target"]))
    if os.environ.get("NNVIZ_CLASS_DEBUG"):
        print({k: v for k, v in out.items() if k not in ("slider_before", "slider_during", "teacher", "students",
                                                 "late", "speed", "threads")})
    for error in out["errors"][:5]:
        print("  error:", error)


if __name__ == "__main__":
    main()
