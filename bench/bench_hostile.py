"""Hostile links beside a class: what the worst links cost the other students and the server's memory.

On one ``streamlit run`` process (``make run``), over Streamlit's WebSocket protocol (bench/load.py):

1. Baseline: 3 students on /perceptron, each moving a slider every 0.5 s for 15 s: their rerun p95.
2. The same 3 students while one more browser opens the worst links in new tabs, one after another, as fast as
   the server answers (the link attacks once reported: a 4,000-label one-hot table, thousands of logits and
   predictions, a huge Keras model, a broken smoothing, an over-long list of network numbers): the students' p95
   and its ratio to the baseline (target: at most 1.5 ×). The browser keeps its cookies, as a browser does.
3. The server's resident memory after opening each worst link 10 times, against before (target: under 50 MB).
4. The same 3 students while one more session uploads, as a browser does (bench/load.py ``Session.upload``), a
   4.8 MB CSV of 150 columns with gaps to the Keras page and a 5 MB CSV of many rows to the playground, then
   changes a few widgets on each, again and again with new files: their p95 and its ratio to the baseline
   (target: at most 1.5 ×), and the memory the uploads added.

The attacker and the uploader each run in a process of their own, so that the students' harness measures the
server, not its own interpreter busy with their messages. Beside the p95s, the server process's CPU seconds in
each phase (and its upload worker's) show where the work ran: on a shared machine they vary far less than
latencies do.

Environment: NNVIZ_HOSTILE_SECONDS (default 15).
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import os
import random
import time
import urllib.request

from bench.common import percentile, table
from bench.load import Server, Session, cpu_seconds, run, sliders

LABELS = ",".join(f"c{i}" for i in range(4000))
NUMBERS = ",".join(str(i % 7) for i in range(4000))
WORST = [
    ("activations", f"labels={LABELS}"),
    ("activations", f"label_sets={LABELS.replace(',', ';')}"),
    ("activations", f"logits={NUMBERS}&classes={LABELS}"),
    ("activations", "z_range=-1,0,0.5,0.6"),
    ("cost_functions", f"predictions={NUMBERS}&logits={NUMBERS}"),
    ("keras_training", "layers=" + ",".join(["1024"] * 8) + "&epochs=300&batch_size=8&early_stopping=0"),
    ("loss_curves", "smoothing=5"),
    ("backpropagation", "values=" + ",".join(["1e300"] * 400)),
    ("perceptron", "x1=1e308&activation=[x](http://example.invalid)"),
]


KERAS_BYTES = 4_800_000
PLAYGROUND_BYTES = 5_000_000  # under Streamlit's maxUploadSize (5 MiB)
UPLOAD_ROUNDS = 3  # distinct pairs of files: a new file is read anew, a file seen before comes from the cache


def wide_csv(seed: int, size: int = KERAS_BYTES, columns: int = 150) -> bytes:
    """A table of ``columns`` columns (numbers, a few categories, a 0/1 target last) with gaps, about ``size``
    bytes."""
    rng = random.Random(seed)
    kinds = ["category" if i % 15 == 7 else "number" for i in range(columns - 1)]
    lines = [",".join([f"f{i}" for i in range(columns - 1)] + ["target"])]
    total = len(lines[0]) + 1
    while total < size:
        cells = []
        for kind in kinds:
            if rng.random() < 0.08:
                cells.append("")  # a gap
            elif kind == "category":
                cells.append(rng.choice(("red", "green", "blue", "amber")))
            else:
                cells.append(f"{rng.gauss(0, 10):.3f}")
        cells.append(str(rng.randrange(2)))
        line = ",".join(cells)
        if total + len(line) + 1 > size:
            break
        lines.append(line)
        total += len(line) + 1
    return ("\n".join(lines) + "\n").encode()


def long_csv(seed: int, size: int = PLAYGROUND_BYTES) -> bytes:
    """Points x1,x2,label: about ``size`` bytes, far more rows than the playground takes."""
    rng = random.Random(seed)
    lines, total = ["x1,x2,label"], 12
    while True:
        line = f"{rng.uniform(-5, 5):.4f},{rng.uniform(-5, 5):.4f},{rng.randrange(2)}"
        if total + len(line) + 1 > size:
            break
        lines.append(line)
        total += len(line) + 1
    return ("\n".join(lines) + "\n").encode()


async def _uploader(url: str, files: list, seconds: float, out: dict) -> None:
    """One session after another: the Keras page's wide CSV, the playground's long CSV, a few widgets moved."""
    end = time.perf_counter() + seconds
    round_ = 0
    while time.perf_counter() < end:
        wide, long = files[round_ % len(files)]
        for page, choice, label, data in (("keras_training", "upload a CSV", "CSV file", wide),
                                          ("playground", "upload", "CSV with columns", long)):
            session = Session(url, page, seed=round_)
            try:
                await session.open()
                await session.select("Data set", choice)
                out["upload_s"].append(await session.upload(label, f"round{round_}.csv", data))
                out["uploads"] += 1
                out["messages"].update(m.replace("\\", "")[:80] for m in session.error_alerts)  # shown unescaped
                for _ in range(3):
                    out["after_s"].append(await session.move_slider())
            except Exception as exc:  # counted, the class goes on
                out["errors"].append(f"/{page} upload: {type(exc).__name__}: {exc}")
            finally:
                await session.close()
            if time.perf_counter() >= end:
                break
        round_ += 1


class Pids:
    """The server's process first, then the processes it started, looked up anew each time (a worker process
    starts on the first upload)."""

    def __init__(self, server):
        self.server = server

    def _all(self) -> list:
        return self.server.pids()

    def __iter__(self):
        return iter(self._all())

    def __getitem__(self, index):
        return self._all()[index]


def rss_mb(pids) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


class Tab(Session):
    """A tab of one browser: every tab sends the cookies the browser keeps (a new Session starts with none)."""

    def __init__(self, *args, jar: http.cookiejar.CookieJar, **kwargs):
        super().__init__(*args, **kwargs)
        self.jar = jar

    def _fetch_cookies(self) -> str:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        url = f"{self.base_url}/{self.page}" + (f"?{self.query}" if self.query else "")
        for target in (url, f"{self.base_url}/_stcore/health", f"{self.base_url}/_stcore/host-config"):
            with opener.open(target, timeout=30) as response:
                response.read()
        self.cookies = {c.name: c.value for c in self.jar}
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


async def _attacker(url: str, seconds: float, errors: list) -> int:
    """One browser opening the worst links in new tabs, one after another, as fast as the server answers."""
    opened = 0
    end = time.perf_counter() + seconds
    jar = http.cookiejar.CookieJar()
    while time.perf_counter() < end:
        for page, query in WORST:
            session = Tab(url, page, query=query, seed=opened, jar=jar)
            try:
                await session.open()
                if session.exceptions:
                    errors.append(f"/{page}: {session.exceptions[0]}")
            except Exception as exc:  # counted, the class goes on
                errors.append(f"/{page}: {type(exc).__name__}: {exc}")
            finally:
                await session.close()
            opened += 1
            if time.perf_counter() >= end:
                break
    return opened


def _attack_alone(url: str, seconds: float) -> tuple[int, list]:
    """The attacker in a process of its own, so that its work never delays the students' harness."""
    errors: list = []
    return asyncio.run(_attacker(url, seconds, errors)), errors


def _upload_alone(url: str, files: list, seconds: float) -> dict:
    out = {"uploads": 0, "upload_s": [], "after_s": [], "messages": set(), "errors": []}
    asyncio.run(_uploader(url, files, seconds, out))
    return out


def _ready() -> bool:
    return True


def _process():
    """A process of its own for the attacker or the uploader, its imports done before measuring (so that its
    work never delays the students' harness, which then measures the server alone)."""
    import concurrent.futures
    import multiprocessing

    pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    pool.submit(_ready).result()
    return pool


async def _elsewhere(pool, fn, *args):
    return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)


async def scenario(url: str, pids, seconds: float) -> dict:
    out: dict = {"errors": []}
    # Every page once, so that imports and caches are paid before measuring.
    for page, _ in WORST:
        session = Session(url, page)
        await session.open()
        await session.close()
    attacker, uploader = _process(), _process()
    out["baseline"] = await sliders(url, ["perceptron"], sessions=3, interval=0.5, duration=seconds, arrival=0.5)
    before = rss_mb(pids)
    cpu = cpu_seconds(pids[:1])
    attack = asyncio.create_task(_elsewhere(attacker, _attack_alone, url, seconds + 1))
    out["during"] = await sliders(url, ["perceptron"], sessions=3, interval=0.5, duration=seconds, arrival=0.5, seed=3)
    out["opened"], errors = await attack
    out["cpu_links"] = cpu_seconds(pids[:1]) - cpu
    out["errors"] += errors
    attacker.shutdown()
    for _ in range(10):
        for page, query in WORST:
            session = Session(url, page, query=query)
            await session.open()
            await session.close()
    out["rss_before"], out["rss_after"] = before, rss_mb(pids)
    out["rss_server_before_uploads"] = rss_mb(pids[:1])
    # The uploads last, so that the memory above is the worst links' alone.
    files = [(wide_csv(seed), long_csv(seed)) for seed in range(UPLOAD_ROUNDS)]  # made before measuring
    cpu, cpu_others = cpu_seconds(pids[:1]), cpu_seconds(pids[1:])
    uploads = asyncio.create_task(_elsewhere(uploader, _upload_alone, url, files, seconds + 1))
    out["during_uploads"] = await sliders(url, ["perceptron"], sessions=3, interval=0.5, duration=seconds,
                                          arrival=0.5, seed=5)
    out["upload"] = await uploads
    out["cpu_uploads"], out["cpu_worker"] = cpu_seconds(pids[:1]) - cpu, cpu_seconds(pids[1:]) - cpu_others
    uploader.shutdown()
    out["rss_uploads"] = rss_mb(pids)
    out["rss_server_uploads"] = rss_mb(pids[:1])  # the server process alone, without its upload worker
    return out


def main() -> None:
    seconds = float(os.environ.get("NNVIZ_HOSTILE_SECONDS", "15"))
    one, _, _ = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d %H:%M')}: `python -m bench hostile` (one streamlit run process; load average "
          f"{one:.1f} before)")
    with Server() as server:
        out = run(scenario(server.url, Pids(server), seconds))
        log = server.log()
    before = [x * 1000 for x in out["baseline"].rerun]
    during = [x * 1000 for x in out["during"].rerun]
    p_before, p_during = percentile(before, 95), percentile(during, 95)
    uploading = [x * 1000 for x in out["during_uploads"].rerun]
    p_uploading = percentile(uploading, 95)
    upload = out["upload"]
    rows = [
        {"measure": "other students' slider p95, alone (ms)", "value": p_before, "target": ""},
        {"measure": "… while the worst links are opened (ms)", "value": p_during, "target": ""},
        {"measure": "ratio", "value": round(p_during / p_before, 2) if p_before else "", "target": "≤ 1.5"},
        {"measure": "worst links opened", "value": out["opened"], "target": ""},
        {"measure": "the server process's CPU meanwhile (s, students included)", "value": round(out["cpu_links"], 1),
         "target": ""},
        {"measure": "server memory after 10 × every worst link (MB more)",
         "value": round(out["rss_after"] - out["rss_before"], 1), "target": "< 50"},
        {"measure": "… while 4.8 MB and 5 MB CSVs are uploaded (ms)", "value": p_uploading, "target": ""},
        {"measure": "ratio", "value": round(p_uploading / p_before, 2) if p_before else "", "target": "≤ 1.5"},
        {"measure": "uploads done (Keras page + playground)", "value": upload["uploads"], "target": ""},
        {"measure": "the server process's CPU meanwhile (s, students included)",
         "value": round(out["cpu_uploads"], 1), "target": ""},
        {"measure": "… and its upload worker's (s, at the lowest priority)", "value": round(out["cpu_worker"], 1),
         "target": ""},
        {"measure": "the uploader's own rerun after its upload, p95 (ms)",
         "value": percentile([x * 1000 for x in upload["upload_s"]], 95), "target": ""},
        {"measure": "the uploader's widget moves after it, p95 (ms)",
         "value": percentile([x * 1000 for x in upload["after_s"]], 95), "target": ""},
        {"measure": "server memory after the uploads (MB more)",
         "value": round(out["rss_uploads"] - out["rss_after"], 1), "target": ""},
        {"measure": "… of which the server process itself (the rest: its upload worker)",
         "value": round(out["rss_server_uploads"] - out["rss_server_before_uploads"], 1), "target": ""},
        {"measure": "crashes and errors", "value": len(out["errors"]) + len(out["during"].errors)
         + len(upload["errors"]) + len(out["during_uploads"].errors), "target": 0},
    ]
    print(table(rows, ["measure", "value", "target"]))
    for message in sorted(upload["messages"]):
        print("  the uploader was told:", message)
    if any("went wrong" in message for message in upload["messages"]):  # a crash report: its traceback from the log
        print("\n".join(line for line in log.splitlines() if line.strip())[-4000:])
    for error in (out["errors"] + upload["errors"] + out["during"].errors + out["during_uploads"].errors)[:5]:
        print("  error:", error)


if __name__ == "__main__":
    main()
