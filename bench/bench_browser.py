"""What a student waits for after a slider move, measured in a real browser.

A Streamlit server (``streamlit run``, the project's ``.streamlit/config.toml``)
runs pinned to core 0 and Debian's chromium (headless) to core 1, so the
browser stands in for a student's laptop. On every math page (every section
of the tabbed ones) at its defaults, the first slider of the open section is
focused and ArrowRight / ArrowLeft pressed in turn; for each press:

- key → last chart redrawn: from the ``keydown`` event to the last
  ``plotly_afterplot`` of any Plotly chart on the page (charts mounted after
  the press included), once none has come for ``QUIET`` seconds;
- key → run finished: to the ``script_finished`` message on the WebSocket;
- browser CPU: the page's main thread's CPU time over the press (Chrome's ``ThreadTime`` metric over
  the DevTools protocol): the work the browser did, which, unlike the wait, does not grow when other
  processes share the machine;
- server run: from the browser sending ``rerun_script`` to ``script_finished``
  arriving (loopback, so the server's run as the browser sees it), and the
  server process's CPU time over the press;
- how many charts redrew, how many Plotly deltas came (in full or as a
  reference to the browser's message cache), messages, bytes, query-string
  writes and ``rerun_script`` requests the browser sent.

The floor is measured in the same run: a bare slider and one Plotly line
(``bench/floor_app.py``) and a slider with four charts and four formulas
(``bench/floor4_app.py``); the ratio column is a page's median key → last
chart over the bare floor's. ``bench/two_charts_app.py`` (a slider that
changes one of three charts) shows what happens to charts whose figure did
not change. For comparison, the protocol harness (``bench/load.py``) moves
the same slider on the same server.

Run: ``make bench`` or ``.venv/bin/python -m bench browser``.
Environment: NNVIZ_BROWSER_PRESSES (default 8), NNVIZ_BROWSER_QUIET (seconds, default 1.5),
NNVIZ_BROWSER_PAGES (comma-separated paths such as ``/perceptron``; default all).
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench.common import ROOT, percentile, table

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
]
PRESSES = int(os.environ.get("NNVIZ_BROWSER_PRESSES", "8"))
QUIET = float(os.environ.get("NNVIZ_BROWSER_QUIET", "1.5"))
SERVER_CORE, BROWSER_CORE = 0, 1
RUN_TIMEOUT = 30.0  # seconds for one press's run to finish
SLIDER = '[data-testid="stSlider"] [role="slider"], [data-testid="stSlider"] input[type="range"]'

# ForwardMsg's top-level fields the table counts (streamlit/proto/ForwardMsg.proto).
DELTA, SCRIPT_FINISHED, REF_HASH, PAGE_INFO_CHANGED = 5, 6, 11, 12
RERUN_SCRIPT = 11  # BackMsg

# Installed before any page script: timestamps (performance.now(), the clock of event.timeStamp) of
# arrow keys, of every Plotly chart's afterplot event, and of every WebSocket message with its size
# and top-level protobuf fields. Plotly's Events.init assigns ``gd.emit`` on each chart's div; an
# accessor on HTMLElement.prototype sees that assignment and wraps the function, so charts mounted
# after a press are heard from their very first draw.
RECORDER = r"""
(() => {
  const rec = window.__nnvizBench = {keys: [], plots: [], recv: [], sent: []};
  const ids = new WeakMap();
  let next = 0;
  const idOf = gd => { if (!ids.has(gd)) ids.set(gd, ++next); return ids.get(gd); };
  Object.defineProperty(HTMLElement.prototype, 'emit', {
    configurable: true,
    get() { return undefined; },
    set(fn) {
      const gd = this;
      Object.defineProperty(gd, 'emit', {configurable: true, writable: true, enumerable: true,
        value: function (name) {
          if (name === 'plotly_afterplot') {
            const title = gd.layout && gd.layout.title && gd.layout.title.text;
            rec.plots.push([performance.now(), idOf(gd), String(title || '').replace(/<[^>]*>/g, '')]);
          }
          return fn.apply(this, arguments);
        }});
    },
  });
  // The end of the last stretch the page's main thread was held up (a heartbeat that came late): the
  // quiet window counts from there too, so a chart whose redraw is still queued is not missed.
  rec.busy = 0;
  let beat = performance.now();
  setInterval(() => { const now = performance.now(); if (now - beat > 150) rec.busy = now; beat = now; }, 50);
  window.addEventListener('keydown', e => {
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') rec.keys.push(e.timeStamp);
  }, true);
  // Top-level protobuf fields of a message: [field number, varint value or null].
  const fields = data => {
    if (!(data instanceof ArrayBuffer)) return [];
    const b = new Uint8Array(data), out = [];
    let i = 0;
    const varint = () => { let r = 0, s = 1, x; do { x = b[i++]; r += (x & 127) * s; s *= 128; } while (x >= 128); return r; };
    while (i < b.length) {
      const tag = varint(), f = Math.floor(tag / 8), w = tag & 7;
      if (w === 0) { out.push([f, varint()]); continue; }
      if (w === 2) { const n = varint(); i += n; } else if (w === 1) i += 8; else if (w === 5) i += 4; else break;
      out.push([f, null]);
    }
    return out;
  };
  const size = d => d instanceof ArrayBuffer ? d.byteLength : (d && d.size) || String(d).length;
  const Native = window.WebSocket;
  class Recorded extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => rec.recv.push([performance.now(), size(e.data), fields(e.data)]));
    }
    send(data) {
      const buffer = data instanceof ArrayBuffer ? data : (ArrayBuffer.isView(data) ? data.buffer.slice(
        data.byteOffset, data.byteOffset + data.byteLength) : null);
      rec.sent.push([performance.now(), size(data), buffer ? fields(buffer) : []]);
      return super.send(data);
    }
  }
  window.WebSocket = Recorded;
})();
"""

# A press has settled when its run finished and, since, no chart has redrawn and the page's main thread has
# not been held up for `quiet` ms.
SETTLED = """([k, quiet]) => {
  const r = window.__nnvizBench;
  if (r.keys.length <= k) return false;
  const t0 = r.keys[k];
  const done = r.recv.find(m => m[0] >= t0 && m[2].some(f => f[0] === %d));
  if (!done) return false;
  let last = Math.max(done[0], r.busy);
  for (const p of r.plots) if (p[0] >= t0 && p[0] > last) last = p[0];
  return performance.now() - last >= quiet;
}""" % SCRIPT_FINISHED


@dataclass
class Press:
    """What one key press cost, every time in milliseconds."""

    key_to_chart: float | None
    key_to_finished: float | None
    server: float | None  # as the page's main thread sees it
    server_network: float | None  # as the network sees it (Playwright's frame events)
    server_cpu: float | None  # the server process's CPU time from the press to the page settling
    browser_cpu: float | None  # the page's main thread's CPU time from the press to the page settling
    charts: int
    afterplots: int
    titles: list
    bytes: int
    messages: int
    deltas: int
    ref_hashes: int
    query_writes: int
    reruns_sent: int
    finishes: list
    plotly_deltas: list = field(default_factory=list)  # titles of charts re-sent in full


@dataclass
class Result:
    """A page's presses, or why it could not be measured."""

    label: str
    presses: list = field(default_factory=list)
    note: str = ""
    reruns: list = field(default_factory=list)  # the browser's rerun_script messages, as sent


def lesson_sections(stem: str) -> tuple:
    """The lesson's tab names (its module-level ``SECTIONS``), read without running the page."""
    path = ROOT / "lessons" / f"{stem}.py"
    if not path.exists():
        return ()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SECTIONS" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    return ()


def math_pages() -> list[tuple[str, str]]:
    """(label, path with query) of every math page, one per section of the tabbed ones."""
    pages = []
    for stem in ("perceptron", "activations", "cost_functions", "gradient_descent", "backpropagation",
                 "loss_curves", "playground"):
        if not (ROOT / "lessons" / f"{stem}.py").exists():
            continue
        sections = lesson_sections(stem)
        if sections:
            pages += [(f"/{stem} · {name}", f"/{stem}?section={quote(name)}") for name in sections]
        else:
            pages.append((f"/{stem}", f"/{stem}"))
    wanted = [p.strip() for p in os.environ.get("NNVIZ_BROWSER_PAGES", "").split(",") if p.strip()]
    return [p for p in pages if not wanted or p[1].split("?")[0] in wanted]


# -- the server and the browser, each on its own core ------------------------------------------
def _pin(core: int) -> list[str]:
    return ["taskset", "-c", str(core)] if (os.cpu_count() or 1) > 1 and Path("/usr/bin/taskset").exists() else []


def _cpu_ms(pid: int | None) -> float | None:
    """The server process's CPU time so far (every thread's, exited ones too; in clock ticks)."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return (int(parts[11]) + int(parts[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


@contextlib.contextmanager
def serve(app: str = "app.py", env: dict | None = None):
    """``streamlit run APP`` on a free loopback port, pinned to the server's core; yields (url, pid)."""
    from bench.load import free_port, wait_healthy

    port = free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [*_pin(SERVER_CORE), sys.executable, "-m", "streamlit", "run", app, "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT)
    try:
        try:
            wait_healthy(f"http://127.0.0.1:{port}", proc=proc)
        except RuntimeError as err:
            log.seek(0)
            raise RuntimeError(f"{err}: {log.read().decode(errors='replace')[-2000:]}") from None
        yield f"http://127.0.0.1:{port}", proc.pid  # taskset execs the server: same pid
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextlib.contextmanager
def browser():
    """Headless Debian chromium pinned to the browser's core (through a wrapper script)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        raise RuntimeError(f"{CHROMIUM} is missing: `make chromium` installs it")
    with tempfile.TemporaryDirectory(prefix="nnviz-chromium-") as folder:
        executable = CHROMIUM
        pin = _pin(BROWSER_CORE)
        if pin:
            executable = os.path.join(folder, "chromium")
            Path(executable).write_text(f'#!/bin/sh\nexec {" ".join(pin)} {CHROMIUM} "$@"\n')
            os.chmod(executable, 0o755)
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                yield b
            finally:
                b.close()


# -- one page -----------------------------------------------------------------------------------
def _first_slider(page):
    """The first slider of the open section (the first visible tab panel), else of the page."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):  # a section drawn in a second run has them a little later
        page.wait_for_selector(SLIDER, state="attached", timeout=5_000)
    panel = page.locator('[role="tabpanel"]:visible').first
    if panel.count() and panel.locator(SLIDER).count():
        return panel.locator(SLIDER).first
    sliders = page.locator(SLIDER)
    return sliders.first if sliders.count() else None


def _wait_settled(page, k: int, quiet: float, timeout: float) -> bool:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(SETTLED, arg=[k, quiet * 1000], polling=100, timeout=timeout * 1000)
        return True
    except PlaywrightTimeout:
        return False


def _plotly_titles(frames: list) -> list[str]:
    """Titles of the Plotly charts whose delta came in full (not as a reference to the message cache)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    titles = []
    for data in frames:
        msg = ForwardMsg()
        try:
            msg.ParseFromString(data)
        except Exception:  # a text frame or a foreign message: not a chart
            continue
        if (msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element"
                and msg.delta.new_element.WhichOneof("type") == "plotly_chart"):
            try:
                title = json.loads(msg.delta.new_element.plotly_chart.spec).get("layout", {}).get("title", {})
                title = title.get("text", "") if isinstance(title, dict) else str(title)
            except (ValueError, AttributeError):
                title = ""
            titles.append(title or "(untitled)")
    return titles


def _wait_first_render(page, quiet: float) -> None:
    """Wait for the first run, every chart's first draw (Plotly loads lazily), then a quiet window."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.wait_for_function(
        "() => window.__nnvizBench && window.__nnvizBench.recv.some(m => m[2].some(f => f[0] === %d))"
        % SCRIPT_FINISHED, timeout=60_000)
    with contextlib.suppress(PlaywrightTimeout):  # a chart that never draws shows in the table instead
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stMain\"]')"
            " && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
            " && Array.from(document.querySelectorAll('[data-testid=\"stPlotlyChart\"]'))"
            ".every(c => c.querySelector('.main-svg'))", polling=100, timeout=30_000)
    page.wait_for_function(
        "([since, q]) => { const p = window.__nnvizBench.plots;"
        " return performance.now() - Math.max(since, p.length ? p[p.length - 1][0] : 0) >= q; }",
        arg=[page.evaluate("() => performance.now()"), quiet * 1000], polling=100, timeout=60_000)


def measure(browser_, base_url: str, path: str, label: str = "", presses: int = PRESSES, quiet: float = QUIET,
            server_pid: int | None = None) -> Result:
    """Press ArrowRight / ArrowLeft ``presses`` times on the first slider of ``path``; what each press cost."""
    result = Result(label or path)
    context = browser_.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.add_init_script(RECORDER)
        # The same frames as Playwright sees them on the network, with the time they got there: the page's own
        # timestamps come when its main thread gets to the message, late while it is busy drawing.
        frames: list[tuple] = []
        sent: list[float] = []
        sent_data: list[bytes] = []

        def received(payload) -> None:
            frames.append((time.perf_counter(), payload if isinstance(payload, bytes) else b""))

        def tap(ws) -> None:
            ws.on("framereceived", received)
            ws.on("framesent", lambda payload: (sent.append(time.perf_counter()), sent_data.append(
                payload if isinstance(payload, bytes) else b"")))

        page.on("websocket", tap)
        page.goto(base_url + path, timeout=60_000)
        _wait_first_render(page, quiet)
        if page.locator('[data-testid="stException"]').count():
            result.note = "the page shows an exception"
            return result
        slider = _first_slider(page)
        if slider is None:
            result.note = "no slider found in the open section"
            return result
        slider.focus()
        thread_time = _thread_time(context, page)
        for i in range(presses):
            recorded = page.evaluate("() => [window.__nnvizBench.recv.length, window.__nnvizBench.sent.length]")
            before_press = len(sent_data)
            cpu, browser_cpu = _cpu_ms(server_pid), thread_time()
            page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
            settled = _wait_settled(page, i, quiet, RUN_TIMEOUT)
            after, browser_after = _cpu_ms(server_pid), thread_time()
            cpu = None if cpu is None or after is None else after - cpu
            browser_cpu = None if browser_cpu is None or browser_after is None else browser_after - browser_cpu
            rec = page.evaluate("() => window.__nnvizBench")
            if len(rec["keys"]) <= i:
                result.note = "the slider did not take the key press"
                return result
            result.presses.append(_press(rec, i, recorded, frames, sent, cpu, browser_cpu))
            result.reruns += [data for data in sent_data[before_press:] if _is_rerun(data)][:1]
            if not settled:
                result.note = f"a run did not finish within {RUN_TIMEOUT:.0f} s"
                break
        return result
    except Exception as err:  # one page's failure is a row in the table, not the end of the run
        result.note = f"failed: {type(err).__name__}: {str(err).splitlines()[0][:120]}"
        return result
    finally:
        context.close()


def _thread_time(context, page):
    """A reader of the page's main thread's CPU time so far, in ms (None where the browser has no such metric).

    The reader's own polling while a press settles (one evaluation every 100 ms) is counted too: about
    the same small amount on every page.
    """
    try:
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
    except Exception:  # not chromium, or the protocol refused: the column stays empty
        return lambda: None

    def read() -> float | None:
        try:
            metrics = cdp.send("Performance.getMetrics")["metrics"]
        except Exception:
            return None
        return next((m["value"] * 1000 for m in metrics if m["name"] == "ThreadTime"), None)

    return read


def _press(rec: dict, i: int, recorded: list[int], frames: list[tuple], sent_at: list[float],
           cpu: float | None, browser_cpu: float | None = None) -> Press:
    t0 = rec["keys"][i]
    received = [(n, m) for n, m in enumerate(rec["recv"]) if n >= recorded[0] and m[0] >= t0]
    recv = [m for _, m in received]
    sent = [(n, m) for n, m in enumerate(rec["sent"]) if n >= recorded[1] and m[0] >= t0]
    plots = [p for p in rec["plots"] if p[0] >= t0]
    kinds = [[f[0] for f in m[2]] for m in recv]
    finishes = [f[1] for m in recv for f in m[2] if f[0] == SCRIPT_FINISHED]
    finished = next(((n, m) for n, m in received if any(f[0] == SCRIPT_FINISHED for f in m[2])), None)
    rerun = next(((n, m) for n, m in sent if any(f[0] == RERUN_SCRIPT for f in m[2])), None)
    # Playwright saw the same frames in the same order (one WebSocket per page).
    titles = _plotly_titles([frames[n][1] for n, _ in received if n < len(frames)])
    network = None
    if finished and rerun and finished[0] < len(frames) and rerun[0] < len(sent_at):
        network = (frames[finished[0]][0] - sent_at[rerun[0]]) * 1000
    return Press(
        key_to_chart=(plots[-1][0] - t0) if plots else None,
        key_to_finished=(finished[1][0] - t0) if finished else None,
        server=(finished[1][0] - rerun[1][0]) if finished and rerun else None,
        server_network=network,
        server_cpu=cpu,
        browser_cpu=browser_cpu,
        charts=len({p[1] for p in plots}), afterplots=len(plots), titles=sorted({p[2] for p in plots}),
        bytes=sum(m[1] for m in recv), messages=len(recv), deltas=sum(k.count(DELTA) for k in kinds),
        ref_hashes=sum(k.count(REF_HASH) for k in kinds),
        query_writes=sum(k.count(PAGE_INFO_CHANGED) for k in kinds),
        reruns_sent=sum(1 for _, m in sent if any(f[0] == RERUN_SCRIPT for f in m[2])),
        finishes=finishes, plotly_deltas=titles,
    )


def _is_rerun(data: bytes) -> bool:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    try:
        return BackMsg.FromString(data).WhichOneof("type") == "rerun_script"
    except Exception:  # not a BackMsg
        return False


# -- the protocol harness on the same slider, for comparison ------------------------------------
def harness_moves(base_url: str, path: str, presses: int, server_pid: int | None) -> dict:
    """The protocol harness moving the first slider it sees one step and back: run ms and server CPU ms."""
    from bench.load import Session, run
    from streamlit.proto.Slider_pb2 import Slider
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    page, _, query = path.lstrip("/").partition("?")

    async def moves() -> tuple[list, list]:
        session = Session(base_url, page, query=query)
        await session.open()
        try:
            sliders = session.sliders()
            if not sliders:
                return [], []
            proto = sliders[0].proto
            wall, cpu = [], []
            for i in range(presses):
                state = WidgetState(id=sliders[0].id)
                if proto.type == Slider.SELECT_SLIDER:
                    index = int(proto.default[0]) if proto.default else 0
                    index = min(index + (1 if i % 2 == 0 else 0), len(proto.options) - 1)
                    state.string_array_value.data.append(proto.options[index])
                else:
                    current = list(proto.value) if proto.set_value and proto.value else list(proto.default)
                    step = proto.step or (proto.max - proto.min) / 100
                    value = min(current[0] + (step if i % 2 == 0 else 0), proto.max)
                    state.double_array_value.data.extend([value, *current[1:]])
                before = _cpu_ms(server_pid)
                wall.append(await session._rerun([state]) * 1000)
                after = _cpu_ms(server_pid)
                if before is not None and after is not None:
                    cpu.append(after - before)
            return wall, cpu
        finally:
            await session.close()

    try:
        wall, cpu = run(moves())
    except Exception as err:
        return {"note": f"harness failed: {type(err).__name__}: {err}"[:140]}
    return {"run": statistics.median(wall) if wall else None, "cpu": _mean(cpu)}


def replay(base_url: str, path: str, reruns: list[bytes], server_pid: int | None) -> dict:
    """The browser's own ``rerun_script`` messages sent again, in order, from a protocol session.

    Widget ids do not depend on the session, so this is the browser's run without the browser: if it
    costs what the harness's move costs, the messages are not what makes a browser's run slower.
    """
    from bench.load import SCRIPT_TIMEOUT, Session, run
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    page, _, query = path.lstrip("/").partition("?")

    async def replays() -> tuple[list, list]:
        import asyncio

        session = Session(base_url, page, query=query)
        await session.open()
        wall, cpu = [], []
        try:
            for data in reruns:
                while not session._finished.empty():
                    session._finished.get_nowait()
                before, start = _cpu_ms(server_pid), time.perf_counter()
                await session._ws.send(data)
                while True:
                    status = await asyncio.wait_for(session._finished.get(), SCRIPT_TIMEOUT)
                    if status is None:
                        raise ConnectionError("the server closed the WebSocket")
                    if not isinstance(status, tuple) and status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        break
                wall.append((time.perf_counter() - start) * 1000)
                after = _cpu_ms(server_pid)
                if before is not None and after is not None:
                    cpu.append(after - before)
        finally:
            await session.close()
        return wall, cpu

    if not reruns:
        return {}
    try:
        wall, cpu = run(replays())
    except Exception as err:
        return {"note": f"replay failed: {type(err).__name__}: {err}"[:140]}
    return {"run": statistics.median(wall) if wall else None, "cpu": _mean(cpu)}


# -- the table ----------------------------------------------------------------------------------
def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _mean(values):
    # CPU time comes in clock ticks (10 ms): the mean over the presses is finer than their median.
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def row(result: Result, floor: float | None, harness: dict | None = None, replayed: dict | None = None,
        floor_cpu: float | None = None) -> dict:
    """One line of the table for a page's presses (``floor_cpu``: the bare floor's median browser CPU)."""
    presses = result.presses
    if not presses:
        return {"page / section": result.label, "note": result.note or "not measured"}
    chart = [p.key_to_chart for p in presses if p.key_to_chart is not None]
    median_chart = _median(chart)

    def ms(value):
        return "-" if value is None else round(value)

    out = {
        "page / section": result.label,
        "key→chart ms": ms(median_chart), "p90": ms(percentile(chart, 90) if chart else None),
        "key→finished ms": ms(_median([p.key_to_finished for p in presses])),
        "server run ms": ms(_median([p.server_network for p in presses])),
        "page sees ms": ms(_median([p.server for p in presses])),
        "server CPU ms": ms(_mean([p.server_cpu for p in presses])),
        "browser CPU ms": ms(_median([p.browser_cpu for p in presses])),
        "charts redrawn": _median([p.charts for p in presses]),
        "charts sent": _median([len(p.plotly_deltas) for p in presses]),
        "KB": round(_median([p.bytes for p in presses]) / 1024, 1),
        "msgs": _median([p.messages for p in presses]),
        "reruns": _median([p.reruns_sent for p in presses]),
        "URL writes": _median([p.query_writes for p in presses]),
        "× floor": "-" if median_chart is None or not floor else round(median_chart / floor, 2),
        "CPU × floor": _ratio(_median([p.browser_cpu for p in presses]), floor_cpu),
        "n": len(presses),
        "note": result.note,
    }
    for name, other in (("harness", harness), ("replay", replayed)):
        if other:
            out[f"{name} run ms"] = ms(other.get("run"))
            out[f"{name} CPU ms"] = ms(other.get("cpu"))
            if other.get("note"):
                out["note"] = (out["note"] + " " + other["note"]).strip()
    return out


def _ratio(value, floor):
    return "-" if value is None or not floor else round(value / floor, 2)


COLUMNS = ["page / section", "key→chart ms", "p90", "key→finished ms", "server run ms", "page sees ms",
           "server CPU ms", "browser CPU ms", "harness run ms", "harness CPU ms", "replay run ms", "replay CPU ms", "charts redrawn", "charts sent", "KB", "msgs", "reruns",
           "URL writes", "× floor", "CPU × floor", "n", "note"]


def _stored_runs(folder: str) -> str:
    """Three stored training runs in ``folder``, so the loss-curve page has curves and its controls."""
    import math

    from nnviz.keras.runs import RunStore

    store = RunStore(folder)
    for k, name in enumerate(("steady", "overfit", "noisy")):
        epochs = 40
        loss = [0.9 * math.exp(-e / (8 + 4 * k)) + 0.05 + 0.02 * math.sin(e * (k + 1)) for e in range(epochs)]
        val = [v + 0.01 * k * max(0, e - 15) for e, v in enumerate(loss)]
        staging = store.staging()
        store.commit(staging, name, {"data": "iris"}, {"loss": loss, "val_loss": val},
                     [0.1 * (e + 1) for e in range(epochs)], "bench")
    return folder


def experiment(browser_, presses: int, quiet: float) -> list[str]:
    """The two-charts app: per chart, how often it was re-sent and redrawn after a press that did not change it."""
    with serve("bench/two_charts_app.py") as (url, pid):
        result = measure(browser_, url, "/", "two charts", presses, quiet, pid)
    if not result.presses:
        return [f"two-charts experiment: {result.note}"]
    lines = []
    for title in ("changes", "small, unchanged", "large, unchanged"):
        redrawn = sum(title in p.titles for p in result.presses)
        sent = sum(title in p.plotly_deltas for p in result.presses)
        lines.append(f"  chart '{title}': redrawn after {redrawn}/{len(result.presses)} presses, "
                     f"delta re-sent in full after {sent}/{len(result.presses)}")
    refs = _median([p.ref_hashes for p in result.presses])
    lines.append(f"  cache references (ref_hash) per press: {refs}; afterplot events per press: "
                 f"{_median([p.afterplots for p in result.presses])}")
    return ["Two-charts experiment (a slider changes one of three charts):", *lines]


def main() -> None:
    started = time.monotonic()
    if _pin(BROWSER_CORE):
        # This process and Playwright's driver (started below, inheriting it) belong to the laptop's side.
        os.sched_setaffinity(0, {BROWSER_CORE})
    rows, notes = [], []
    floors = [("floor: slider + 1 chart", "bench/floor_app.py"),
              ("floor: slider + 4 charts + 4 formulas", "bench/floor4_app.py")]
    with browser() as b:
        floor = floor_cpu = None
        for label, app in floors:
            with serve(app) as (url, pid):
                measure(b, url, "/", label, 1, 0.5, pid)  # the first visit pays for the imports
                result = measure(b, url, "/", label, PRESSES, QUIET, pid)
                harness = harness_moves(url, "/", PRESSES, pid)
                replayed = replay(url, "/", result.reruns, pid)
            if floor is None and result.presses:
                floor = _median([p.key_to_chart for p in result.presses])
                floor_cpu = _median([p.browser_cpu for p in result.presses])
            rows.append(row(result, floor, harness, replayed, floor_cpu))
            print(f"  measured {label}", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(prefix="nnviz-bench-runs-") as runs, \
                serve("app.py", {"NNVIZ_RUNS_DIR": _stored_runs(runs)}) as (url, pid):
            from bench.load import run, warm_up

            run(warm_up(url))
            for label, path in math_pages():
                result = measure(b, url, path, label, PRESSES, QUIET, pid)
                harness = harness_moves(url, path, PRESSES, pid) if result.presses else None
                replayed = replay(url, path, result.reruns, pid)
                rows.append(row(result, floor, harness, replayed, floor_cpu))
                print(f"  measured {label}", file=sys.stderr, flush=True)
        notes += experiment(b, min(PRESSES, 6), QUIET)
    one, five, _ = os.getloadavg()
    print(table(rows, COLUMNS))
    print(f"\n{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; `.venv/bin/python -m bench browser` "
          f"({PRESSES} presses a row, ArrowRight / ArrowLeft in turn; quiet window {QUIET:.1f} s); server on "
          f"core {SERVER_CORE}, headless chromium on core {BROWSER_CORE}; load average {one:.1f} (1 min), "
          f"{five:.1f} (5 min); {time.monotonic() - started:.0f} s in all.")
    print("key→chart: keydown to the last plotly_afterplot; server run: rerun_script sent to script_finished "
          "received, on the network (page sees: the same in the page's main thread); server CPU: the server "
          "process's CPU per press (mean); harness: bench/load.py moving the same slider on the same server; "
          "replay: the browser's own rerun_script messages re-sent from bench/load.py; charts sent: Plotly "
          "deltas re-sent in full (not as a cache reference); reruns: rerun_script messages the browser sent; "
          "URL writes: page_info_changed messages; × floor: key→chart over the bare floor's; browser CPU: the "
          "page's main thread's CPU per press (median; Chrome's ThreadTime), CPU × floor: over the bare floor's.")
    for line in notes:
        print(line)


if __name__ == "__main__":
    main()
