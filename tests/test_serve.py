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
import shutil
import subprocess
import urllib.error
import urllib.request

import pytest

from bench.load import Server, Session, run
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
def served():
    _nginx_or_skip()
    with Server(workers=2) as server:
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
            # The share box shows the page's own address (as the browser reports it) ...
            assert any(text.startswith(f"{served.url}/") for text in other.texts), other.texts
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
