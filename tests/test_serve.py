"""`make serve`: Streamlit processes behind nginx, opened through nginx as a browser would.

Starts ``scripts/serve.sh`` on loopback with two Streamlit processes, checks
the health endpoint and the sticky-session cookie through nginx, and opens two
pages over real WebSocket sessions (Streamlit's own protocol, see
bench/load.py). The share box's QR code is an image kept in one process's
memory, so fetching it through nginx proves that the cookie keeps a browser
on its process.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from bench.load import Server, Session, run, wait_healthy
from nnviz.ui.course import available


def _nginx_or_skip() -> None:
    if shutil.which("nginx") or shutil.which("/usr/sbin/nginx"):
        return
    try:
        if subprocess.run(["apt-get", "install", "-y", "nginx"], capture_output=True, timeout=300).returncode:
            subprocess.run(["apt-get", "update"], check=True, capture_output=True, timeout=300)
            subprocess.run(["apt-get", "install", "-y", "nginx"], check=True, capture_output=True, timeout=300)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"nginx is not installed and `apt-get install -y nginx` failed ({exc}); "
                    "make serve needs Debian's nginx")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    _nginx_or_skip()
    log = tmp_path_factory.mktemp("nginx") / "access.log"
    with Server(workers=2, env={"NNVIZ_ACCESS_LOG": str(log)}) as server:
        server.access_log = log
        yield server


def _get(url: str, cookie: str = ""):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers, response.read()


def test_health_and_index_come_through_nginx_with_a_sticky_cookie(served):
    status, headers, body = _get(f"{served.url}/_stcore/health")
    assert status == 200 and body == b"ok"
    assert headers["Server"].startswith("nginx")
    assert any(c.startswith("nnviz_node=") for c in headers.get_all("Set-Cookie"))
    status, _, body = _get(f"{served.url}/")
    assert status == 200 and b'<div id="root">' in body
    # Both Streamlit processes are up behind it.
    for upstream in served.upstreams:
        assert _get(f"{upstream}/_stcore/health")[2] == b"ok"


async def _open_two_pages(url: str) -> list[Session]:
    lessons = available()
    second = lessons[0].url_path if lessons else ""
    sessions = [Session(url, ""), Session(url, second, query="present=1")]
    for session in sessions:
        await session.open()
    return sessions


def test_two_pages_render_over_websockets_through_nginx(served):
    async def scenario():
        sessions = await _open_two_pages(served.url)
        try:
            home, other = sessions
            assert home.session_id and other.session_id and home.session_id != other.session_id
            assert any("see how neural networks learn" in text for text in home.texts)
            assert home.exceptions == [] and other.exceptions == []
            # app.py's navigation with its sections and Home first.
            assert other.menu[0] == "Home", other.menu
            # The share box shows the page's own address (as the browser reports it; a loopback host becomes
            # this machine's network address when it has one, the port stays nginx's) ...
            port = served.url.rsplit(":", 1)[1]
            assert any(re.match(rf"http://[^/]+:{port}/", text) for text in other.texts), other.texts
            # ... and its QR code (the "Share this view" dialog), an image that lives in one
            # process's memory: the cookie must bring every request of this browser back to it.
            await other.click("Share this view")
            assert other.media, "the share dialog shows no QR code"
            cookie = "; ".join(f"{k}={v}" for k, v in other.cookies.items())
            for _ in range(6):
                status, headers, body = _get(served.url + other.media[0], cookie)
                assert status == 200 and headers["Content-Type"] == "image/png"
                assert body.startswith(b"\x89PNG")
            # A slider move (if the page has one) is a rerun through nginx too.
            if other.sliders():
                assert await other.move_slider() < 30
        finally:
            for session in sessions:
                await session.close()

    run(scenario())


def test_the_access_log_names_each_browsers_process_and_it_never_changes(served):
    """NNVIZ_ACCESS_LOG: one line per request with the Streamlit process that answered and the sticky key; every
    request of one browser (its page, the WebSocket) went to the same process, one of the upstreams."""
    async def scenario():
        sessions = [Session(served.url, "") for _ in range(6)]
        for session in sessions:
            await session.open()
        for session in sessions:
            await session.close()
        return sessions

    sessions = run(scenario())
    upstreams = {u.removeprefix("http://") for u in served.upstreams}
    answered: dict[str, set[str]] = {}
    for _ in range(50):  # nginx writes a WebSocket's line when it closes
        answered.clear()
        for line in served.access_log.read_text().splitlines():
            _when, upstream, _status, uri, key = line.split(" ", 4)
            answered.setdefault(key, set()).add((upstream, uri.split("?")[0]))
        if all(any(uri == "/_stcore/stream" for _, uri in answered.get(s.cookies["nnviz_node"], ()))
               for s in sessions):
            break
        time.sleep(0.1)
    for session in sessions:
        seen = answered[session.cookies["nnviz_node"]]
        assert {uri for _, uri in seen} >= {"/", "/_stcore/health", "/_stcore/host-config", "/_stcore/stream"}
        assert len({upstream for upstream, _ in seen}) == 1 and {upstream for upstream, _ in seen} <= upstreams


def test_safe_defaults_hold_through_nginx(served):
    """.streamlit/config.toml as a class meets it: no usage statistics, viewer toolbar, XSRF, 5 MB uploads."""
    from streamlit.proto.NewSession_pb2 import Config

    async def scenario():
        session = Session(served.url, "")
        await session.open()
        try:
            return session, await asyncio.to_thread(uploads, session)
        finally:
            await session.close()

    def uploads(session) -> list[int]:
        cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
        xsrf = session.cookies["_streamlit_xsrf"]

        def put(size: int, token: str | None) -> int:
            body = b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n\r\n" \
                   + b"a" * size + b"\r\n--b--\r\n"
            headers = {"Cookie": cookie, "Content-Type": "multipart/form-data; boundary=b"}
            if token:
                headers["X-Xsrftoken"] = token
            request = urllib.request.Request(
                f"{served.url}/_stcore/upload_file/{session.session_id}/f1", data=body, headers=headers,
                method="PUT")
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        return [put(1000, None), put(1000, xsrf), put(int(5.5 * 2**20), xsrf)]

    session, statuses = run(scenario())
    assert session.config.gather_usage_stats is False
    assert session.config.toolbar_mode == Config.VIEWER
    # XSRF protection: no token, no upload; with the token (and the sticky cookie, so the
    # session's own process) it goes through; over server.maxUploadSize = 5 MB it does not.
    assert statuses == [403, 204, 413]


def test_a_crashing_page_shows_students_no_traceback_and_logs_it(tmp_path):
    """client.showErrorDetails = "none": the browser gets a generic message, the server log the traceback."""
    from tests.conftest import ROOT

    app = tmp_path / "crash.py"
    app.write_text("import streamlit as st\nst.title('about to fail')\nraise KeyError('secret_path_/etc')\n")

    async def scenario(url):
        session = Session(url, "")
        try:
            await session.open()
        except RuntimeError:
            pass
        await session.close()
        return session

    with Server(app=str(app), root=ROOT) as server:
        session = run(scenario(server.url))
        log = server.log()
    assert len(session.exceptions) == 1
    assert "secret_path_" not in session.exceptions[0] and "KeyError" not in session.exceptions[0]
    assert "redacted" in session.exceptions[0]
    assert "KeyError" in log and "secret_path_" in log


def _streamlit_on(port: int, pids) -> list[int]:
    """The Streamlit processes among ``pids`` that serve ``port``."""
    found = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(args) and b"--server.port" in args \
                and args[args.index(b"--server.port") + 1] == str(port).encode():
            found.append(pid)
    return found


class _Pinned(Session):
    """A browser whose ``nnviz_node`` cookie is given: nginx sends it to the process that cookie names."""

    node = ""

    def _fetch_cookies(self) -> str:
        super()._fetch_cookies()
        self.cookies["nnviz_node"] = self.node
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


async def _share_image(session: Session) -> str:
    """Open the page, open its share dialog: the QR code's address, an image only its process holds."""
    await session.open()
    try:
        await session.click("Share this view")
        assert session.media, "the share dialog shows no QR code"
        return session.media[0]
    finally:
        await session.close()


def _holds(upstream: str, media: str) -> bool:
    try:
        return _get(upstream + media)[0] == 200
    except urllib.error.HTTPError:
        return False


def test_a_killed_streamlit_process_is_restarted_and_nginx_serves_its_students_from_it(served):
    """kill -9 one Streamlit process: serve.sh starts another on the same port, and a browser whose cookie
    names that process is served by the new one through nginx. The times are printed, not asserted (the
    deadlines are generous: a slow machine gives a slow pass)."""
    import os
    import signal
    import time

    lessons = available()
    page = lessons[0].url_path if lessons else ""
    # A browser through nginx; the process holding its QR code is the one its cookie names.
    first = Session(served.url, page, query="present=1")
    media = run(_share_image(first))
    node = first.cookies["nnviz_node"]
    (upstream,) = [u for u in served.upstreams if _holds(u, media)]
    port = int(upstream.rsplit(":", 1)[1])
    (old,) = _streamlit_on(port, served.pids())

    os.kill(old, signal.SIGKILL)
    killed = time.monotonic()
    new: list[int] = []
    while not new:
        assert time.monotonic() - killed < 60, "no Streamlit process was started again on the killed one's port"
        time.sleep(0.05)
        new = [pid for pid in _streamlit_on(port, served.pids()) if pid != old]
    started = time.monotonic() - killed
    wait_healthy(upstream, timeout=180)
    healthy = time.monotonic() - killed

    again = _Pinned(served.url, page, query="present=1")
    again.node = node
    media = run(_share_image(again))
    assert _holds(upstream, media), "nginx did not send the cookie's browser to the restarted process"
    served_again = time.monotonic() - killed
    print(f"\nkill -9 -> new process {started:.2f} s, healthy {healthy:.2f} s, a page through nginx {served_again:.2f} s")


def _alive(pid: int) -> bool:
    """``pid`` runs (a zombie is dead: only its parent's bookkeeping is left)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _in_session(sid: int) -> list[int]:
    """Live processes (not zombies) of the session ``sid``."""
    import os

    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:
            alive.append(int(entry))
    return alive


@pytest.mark.parametrize("to_group", [True, False], ids=["ctrl-c", "sigterm-to-the-script"])
def test_ctrl_c_stops_nginx_and_every_streamlit_process(tmp_path, to_group):
    """Ctrl-C in a terminal sends SIGINT to the whole foreground process group: done so here to serve.sh's own
    group, after which no process of it is left (nginx, the restart loops, Streamlit). SIGTERM to the script
    alone (a service manager, ``kill``) must stop them all too: then the script's own trap does it."""
    import os
    import signal
    import sys
    import time

    from bench.load import descendants, free_port
    from tests.conftest import ROOT

    _nginx_or_skip()
    port, base = free_port(), free_port()
    env = {**os.environ, "NNVIZ_WORKERS": "1", "NNVIZ_LISTEN": "127.0.0.1", "NNVIZ_PORT": str(port),
           "NNVIZ_BASE_PORT": str(base), "NNVIZ_SERVE_DIR": str(tmp_path), "NNVIZ_PYTHON": sys.executable}
    proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "serve.sh")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_healthy(f"http://127.0.0.1:{base}", timeout=180, proc=proc)
        deadline = time.monotonic() + 120
        while True:  # nginx starts once the process is warmed up
            try:
                if _get(f"http://127.0.0.1:{port}/_stcore/health")[2] == b"ok":
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "nginx did not come up"
            time.sleep(0.2)
        tree = descendants(proc.pid)
        assert len(_streamlit_on(base, tree)) == 1 and len(tree) >= 4  # serve.sh, its restart loop, Streamlit, nginx
        if to_group:
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        deadline = time.monotonic() + 60
        while (_in_session(proc.pid) or [pid for pid in tree if _alive(pid)]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _in_session(proc.pid) == []
        assert [pid for pid in tree if _alive(pid)] == []  # nor one that left the group
    finally:
        if proc.poll() is None or _in_session(proc.pid):
            for pid in _in_session(proc.pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass


@pytest.mark.tensorflow
def test_a_keras_training_stops_when_its_tab_closes(tmp_path):
    """docs/serving.md: a Keras training stops at its next live update when its tab is closed. On a plain
    ``streamlit run``: start 300 epochs of iris in batches of 8, wait for a live update, close the WebSocket;
    the run is then stored as stopped by the user, with fewer epochs than asked (left alone, all 300 run,
    well within the run's time budget, and the run is stored as not stopped)."""
    import json
    import time

    from nnviz.keras import budget

    runs = tmp_path / "runs"

    async def scenario(url: str) -> None:
        session = Session(url, "keras_training", query="data=iris&epochs=300&batch_size=8&early_stopping=0")
        await session.open()
        try:
            await session.press("Train")
            deadline = time.monotonic() + 300
            while not any("Training… epoch **" in text for text in session.texts):
                assert time.monotonic() < deadline, "no live update came"
                await asyncio.sleep(0.1)
        finally:
            await session.close()

    with Server(env={"NNVIZ_RUNS_DIR": str(runs)}) as server:
        run(scenario(server.url))
        closed = time.monotonic()
        configs: list = []
        while not configs:  # the stopped training stores what it trained
            assert time.monotonic() - closed < 300, "no run was stored after the tab closed"
            time.sleep(0.2)
            configs = [json.loads(p.read_text()) for p in runs.glob("*/config.json")]
    (config,) = configs
    assert config["stopped_by_user"] is True and config["epochs_run"] < 300
    assert config["seconds"] < budget.MAX_RUN_SECONDS  # stopped by the closed tab, not by the time budget
