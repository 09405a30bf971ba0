"""Fair turns: a browser that has used more than its share of the server's interpreter waits before its next run.

One server process runs one thread of Python at a time, so a browser that opens page after page without pause
(a hostile student's links, or a page rerun as fast as the server answers) makes every other student's rerun
wait behind its runs. Each full page run is charged to its browser (the token in Streamlit's XSRF cookie, which
a browser keeps for all its tabs; the session when there is none) at the CPU time its script thread used, plus
:data:`OPEN` for a tab's first run. A browser's charge drains at :data:`SHARE` of a core; above :data:`BURST`
seconds, its next run first sleeps (which lets the other threads run) until the charge is back at
:data:`BURST`, at most :data:`MAX_WAIT` seconds, and only while another browser has run in the last
:data:`BUSY` seconds: alone on a server, nobody waits.

A student moving a slider every half second on a math page uses a few percent of a core and never waits; a
run of fragments (a section, the playground's ticks) is not a page run and is not charged here. A script that
drops its cookies is a new browser each time: this paces browsers, not such scripts.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections import OrderedDict

SHARE = 0.1  # of one core: what a browser may use on average while others are using the server
BURST = 1.0  # seconds of CPU a browser may use at once before its runs wait
MAX_WAIT = 2.0  # the longest one run waits
BUSY = 2.0  # another browser ran within this many seconds: the server is shared
# What opening a tab costs the server besides its script's run (the page's HTTP requests, the WebSocket, the
# session's set-up and end): about 50 ms measured on 2 cores (2026-12-07), charged to the tab's first run.
OPEN = 0.05
_KEEP = 2000  # browsers remembered (the least recently seen are forgotten first)

_lock = threading.Lock()
_browsers: OrderedDict[str, list] = OrderedDict()  # key -> [charge in CPU seconds, when charged, last run start]


def token(cookie: str) -> str:
    """The browser's own token inside a Tornado XSRF cookie ``2|mask|masked token|time``: the mask is new each
    time the cookie is sent again, the token is the browser's for as long as it keeps the cookie."""
    parts = cookie.split("|")
    if len(parts) == 4 and parts[0] == "2":
        try:
            mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
            return bytes(m ^ mask[i % len(mask)] for i, m in enumerate(masked)).hex() if mask else cookie
        except ValueError:
            pass
    return cookie


def _key() -> str:
    """The browser a run comes from: its XSRF token (hashed), else its session."""
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    try:
        cookie = st.context.cookies.get("_streamlit_xsrf")
    except Exception:  # no request behind this run (AppTest)
        cookie = None
    if isinstance(cookie, str) and cookie:
        return "browser:" + hashlib.sha256(token(cookie).encode()).hexdigest()[:24]
    ctx = get_script_run_ctx()
    return "session:" + (ctx.session_id if ctx is not None else "none")


def _new_session() -> bool:
    """Whether this is the first run of its session (a tab opened)."""
    import streamlit as st

    if "nnviz.pacing.ran" in st.session_state:
        return False
    st.session_state["nnviz.pacing.ran"] = True  # written once per session, not on every run
    return True


def _drained(entry: list, now: float) -> float:
    charge, when, _ = entry
    return max(0.0, charge - SHARE * (now - when))


def wait_for(key: str, now: float | None = None) -> float:
    """The seconds a run of ``key`` should wait before it starts (0 when under its share or alone)."""
    now = time.monotonic() if now is None else now
    with _lock:
        entry = _browsers.get(key)
        if entry is None:
            return 0.0
        charge = _drained(entry, now)
        others = any(k != key and now - e[2] < BUSY for k, e in _browsers.items())
    if charge <= BURST or not others:
        return 0.0
    return min(MAX_WAIT, (charge - BURST) / SHARE)


def charge(key: str, cpu_seconds: float, started: float, now: float | None = None) -> None:
    """Add a run's CPU time to its browser's charge (the charge is capped so one long run, a training, makes
    the next run wait at most :data:`MAX_WAIT`)."""
    now = time.monotonic() if now is None else now
    with _lock:
        entry = _browsers.pop(key, None) or [0.0, now, started]
        level = min(_drained(entry, now) + cpu_seconds, BURST + SHARE * MAX_WAIT)
        _browsers[key] = [level, now, max(entry[2], started)]
        while len(_browsers) > _KEEP:
            _browsers.popitem(last=False)


def _started(key: str, now: float) -> None:
    with _lock:
        entry = _browsers.pop(key, None) or [0.0, now, now]
        entry[2] = now
        _browsers[key] = entry


@contextlib.contextmanager
def turn():
    """Around a full page run: wait if this browser is over its share, then charge the run's CPU time."""
    key = _key()
    pause = wait_for(key)
    if pause > 0:
        time.sleep(pause)
    started = time.monotonic()
    _started(key, started)
    opened = OPEN if _new_session() else 0.0
    cpu = time.thread_time()
    try:
        yield pause
    finally:
        charge(key, time.thread_time() - cpu + opened, started)
