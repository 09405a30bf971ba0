"""The network playground: training speed, live frames in a real browser, server CPU, and a class playing.

1. The trainer alone: epochs/s on the spiral with [8, 8] (features X₁, X₂) and with six layers of 8 and
   all seven features, batch 10, tanh, SGD η = 0.03 (TensorFlow Playground: ~34 and ~15 epochs/s here);
   one grid pass (output + every neuron, 100 × 100) and bytes per frame.
2. Through the page in headless chromium: press ▶ Play and measure epochs/s, frames/s drawn, blank
   frames (a frame whose boundary canvas is not a drawn heatmap) and the server's CPU.
3. A class: N simulated sessions (bench/load.py's WebSocket students) playing at once, each asking
   for each batch as the canvas does; epochs/s and frames/s per session from the payloads they receive,
   while other students move sliders on a math page (rerun p95).

4. A slow network: one student reading the WebSocket at 100 KB/s beside one on loopback: frames each gets
   and the server's memory from start to end.

Environment: NNVIZ_PG_SECONDS (default 10), NNVIZ_PG_CLASS ("10,30"; "" skips), NNVIZ_PG_BROWSER (1/0),
NNVIZ_PG_SLOW (1/0).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time

from bench.common import percentile, table
from nnviz import playground as pg
from nnviz.ui import playground_canvas as live

SETTINGS = {
    "spiral [8, 8]": (pg.Config(hidden=(8, 8)), "dataset=spiral&hidden=8,8"),
    "spiral 6 × [8], all features": (
        pg.Config(hidden=(8,) * 6, features=pg.FEATURE_NAMES),
        "dataset=spiral&hidden=8,8,8,8,8,8&x1_squared=1&x2_squared=1&x1_x2=1&sin_x1=1&sin_x2=1"),
}
TF_PLAYGROUND = {"spiral [8, 8]": 34.0, "spiral 6 × [8], all features": 15.0}


def trainer_rows() -> list[dict]:
    rows = []
    data = pg.make_data("spiral", seed=0)
    for name, (config, _) in SETTINGS.items():
        rates = []
        for repeat in range(5):
            t = pg.Trainer(config, data)
            start = time.perf_counter()
            t.run(100)
            rates.append(100 / (time.perf_counter() - start))
        grid_ms = []
        for _ in range(20):
            start = time.perf_counter()
            frame = live.capture(t)
            grid_ms.append((time.perf_counter() - start) * 1000)
        rows.append({"setting": name, "epochs_per_s": statistics.median(rates),
                     "x_tf_playground": statistics.median(rates) / TF_PLAYGROUND[name],
                     "frame_ms": statistics.median(grid_ms), "bytes_per_frame": len(frame[1])})
    return rows


SAMPLER = """() => {
  const s = window.nnvizPlayground; s.samples = 0; s.blank = 0;
  const c = document.querySelector('[data-testid="playground-boundary"]');
  const ctx = c.getContext('2d');
  const check = () => {
    if (!s.sampling) return;
    // 64 pixels on a diagonal of the heatmap: a drawn frame is coloured, a blank one white or transparent.
    let coloured = 0;
    for (let i = 0; i < 64; i++) {
      const x = 30 + Math.floor(i * (c.width - 40) / 64), y = 4 + Math.floor(i * (c.height - 40) / 64);
      const d = ctx.getImageData(x, y, 1, 1).data;
      if (d[3] > 0 && Math.abs(d[0] - d[2]) > 25) coloured++;
    }
    s.samples++; if (coloured < 16) s.blank++;
    requestAnimationFrame(check);
  };
  s.sampling = true; requestAnimationFrame(check);
}"""


def browser_rows(seconds: float) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from bench.load import CpuMeter, Server
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    rows = []
    with Server() as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, (_, query) in SETTINGS.items():
            page = browser.new_page(viewport={"width": 1400, "height": 1200})
            page.goto(f"{server.url}/playground?{query}")
            page.wait_for_function("() => window.nnvizPlayground && window.nnvizPlayground.drawn > 0",
                                   timeout=60_000)
            page.get_by_role("button", name="▶ Play").click()
            page.wait_for_function("() => window.nnvizPlayground.epoch > 0", timeout=60_000)
            time.sleep(1.5)  # let the pace settle
            page.evaluate(SAMPLER)
            meter = CpuMeter(server.pids())
            start_stats = page.evaluate("() => ({...window.nnvizPlayground})")
            meter.start()
            wall = time.perf_counter()
            time.sleep(seconds)
            stats = page.evaluate("() => ({...window.nnvizPlayground})")
            elapsed = time.perf_counter() - wall
            cores = meter.stop()
            rows.append({
                "setting": name, "epochs_per_s": (stats["epoch"] - start_stats["epoch"]) / elapsed,
                "frames_per_s": (stats["drawn"] - start_stats["drawn"]) / elapsed,
                "blank_frames": stats["blank"], "sampled_frames": stats["samples"],
                "batches_per_s": (stats["batches"] - start_stats["batches"]) / elapsed,
                "server_cores": cores,
            })
            page.close()
        browser.close()
    return rows


def class_rows(sizes: list[int], seconds: float, workers: int = 0) -> list[dict]:
    """``workers=0``: one ``streamlit run`` process; ``workers=N``: ``make serve`` (N processes behind nginx)."""
    from bench.load import CpuMeter, Server, run, sliders

    Student = _student_class()
    rows = []
    query = SETTINGS["spiral [8, 8]"][1]
    for n in sizes:
        with Server(workers=workers) as server:
            async def scenario():
                students = [Student(server.url, "playground", query=query, seed=i) for i in range(n)]
                for group in range(0, n, 5):  # arrive five at a time, as a class does
                    await asyncio.gather(*(s.open() for s in students[group:group + 5]))
                clicks = await asyncio.gather(*(s.click("Play") for s in students), return_exceptions=True)
                late = [c for c in clicks if isinstance(c, BaseException)]
                if late:
                    print(f"  {n} sessions: {len(late)} Play runs reported no end ({late[0]!r})")
                lost = sum(s.lost_ends for s in students)
                if lost:  # a Streamlit race: see Session._rerun
                    print(f"  {n} sessions: {lost} Play runs' end dropped by Streamlit (a fragment run began first)")
                await asyncio.sleep(2.0)
                start = [(s.epoch, s.frames) for s in students]
                meter = CpuMeter(server.pids())
                meter.start()
                wall = time.perf_counter()
                others = await sliders(server.url, ["perceptron"], 5, interval=1.0, duration=seconds, arrival=0.5)
                elapsed = time.perf_counter() - wall
                cores = meter.stop()
                result = [((s.epoch - e0) / elapsed, (s.frames - f0) / elapsed) for s, (e0, f0) in zip(students, start)]
                await asyncio.gather(*(s.close() for s in students))
                return result, others, cores

            try:
                result, others, cores = run(scenario())
            except Exception as exc:  # a class too big for the machine: say so and go on
                rows.append({"server": _setup(workers), "sessions": n,
                             "epochs_per_s_min": f"failed: {type(exc).__name__}: {exc}"[:60]})
                continue
            if others.errors:
                print(f"  {n} sessions: slider errors, e.g. {others.errors[0]}")
            epochs = [r[0] for r in result]
            frames = [r[1] for r in result]
            ms = [d * 1000 for d in others.rerun]
            rows.append({"server": _setup(workers), "sessions": n, "epochs_per_s_min": min(epochs), "epochs_per_s_median": statistics.median(epochs),
                         "frames_per_s_min": min(frames), "frames_per_s_median": statistics.median(frames),
                         "other_page_p95_ms": percentile(ms, 95) if ms else float("nan"),
                         "server_cores": cores})
    return rows


def _student_class():
    from bench.load import Session

    class Student(Session):
        """A simulated student who reads the playground's frames out of the component payloads (``rate``:
        one on a slow network, see bench.load.Session)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.frames = 0
            self.epoch = 0

        def _element(self, element) -> None:
            if element.WhichOneof("type") == "bidi_component" and element.bidi_component.bytes:
                blob = element.bidi_component.bytes
                n = int.from_bytes(blob[:4], "little")
                header = json.loads(blob[4:4 + n])
                if not header["replace"]:
                    self.frames += len(header["frames"])
                if header["frames"]:
                    self.epoch = header["frames"][-1]["epoch"]
            else:
                super()._element(element)

    return Student


def _rss_mb(pids) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as status:
                total += sum(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
        except FileNotFoundError:
            pass
    return total / 1024


def slow_network_rows(seconds: float, rate: float = 100e3) -> list[dict]:
    """One student reading at ``rate`` bytes/s beside one on a fast link, both playing in one process:
    frames each gets, and the server's memory (a server that queued what the slow one cannot take would grow)."""
    from bench.load import Server, run

    Student = _student_class()
    with Server() as server:
        async def scenario():
            query = SETTINGS["spiral [8, 8]"][1]
            fast, slow = (Student(server.url, "playground", query=query, seed=i) for i in range(2))
            slow.rate = rate
            for s in (fast, slow):
                await s.open()
            await asyncio.gather(fast.click("Play"), slow.click("Play"))
            await asyncio.sleep(5.0)
            start = [(s.frames, s.epoch) for s in (fast, slow)]
            rss_start = _rss_mb(server.pids())
            await asyncio.sleep(seconds)
            rss_end = _rss_mb(server.pids())
            result = [((s.frames - f0) / seconds, (s.epoch - e0) / seconds) for s, (f0, e0) in zip((fast, slow), start)]
            for s in (fast, slow):
                await s.close()
            return result, rss_start, rss_end

        result, rss_start, rss_end = run(scenario())
    return [{"student": name, "link": link, "frames_per_s": r[0], "epochs_per_s": r[1],
             "server_rss_mb_start": rss_start, "server_rss_mb_end": rss_end}
            for name, link, r in zip(("fast", "slow"), ("loopback", f"{rate / 1e3:.0f} KB/s"), result)]


def _setup(workers: int) -> str:
    return f"make serve ({workers} + nginx)" if workers else "streamlit run"


def main() -> None:
    seconds = float(os.environ.get("NNVIZ_PG_SECONDS", "10"))
    print("Machine: 2 cores shared with other work; numbers from one run, medians.")
    print("\n-- trainer alone (no server) --")
    print(table(trainer_rows(), ["setting", "epochs_per_s", "x_tf_playground", "frame_ms", "bytes_per_frame"]))
    if os.environ.get("NNVIZ_PG_BROWSER", "1") == "1":
        print(f"\n-- through the page in headless chromium, {seconds:.0f} s playing --")
        print(table(browser_rows(seconds), ["setting", "epochs_per_s", "frames_per_s", "blank_frames",
                                            "sampled_frames", "batches_per_s", "server_cores"]))
    sizes = [int(s) for s in os.environ.get("NNVIZ_PG_CLASS", "10,30").split(",") if s.strip()]
    if sizes:
        print(f"\n-- a class playing spiral [8, 8] at once (simulated browsers), {seconds:.0f} s, "
              "while 5 students move sliders on /perceptron every second --")
        rows = []
        for workers in [int(w) for w in os.environ.get("NNVIZ_PG_WORKERS", f"0,{os.cpu_count() or 2}").split(",")]:
            rows += class_rows(sizes, seconds, workers)
        print(table(rows, ["server", "sessions", "epochs_per_s_min", "epochs_per_s_median", "frames_per_s_min",
                           "frames_per_s_median", "other_page_p95_ms", "server_cores"]))
    if os.environ.get("NNVIZ_PG_SLOW", "1") == "1":
        slow_seconds = 3 * seconds
        print(f"\n-- a student on a slow network beside one on a fast link, both playing spiral [8, 8] on one "
              f"process, {slow_seconds:.0f} s --")
        print(table(slow_network_rows(slow_seconds), ["student", "link", "frames_per_s", "epochs_per_s",
                                                      "server_rss_mb_start", "server_rss_mb_end"]))


if __name__ == "__main__":
    main()
