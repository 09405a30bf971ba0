"""Real-browser fixtures: a Streamlit server on a free loopback port and Debian's chromium.

Playwright's own browser download is never used; ``/usr/bin/chromium`` is
installed by ``make test`` when missing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, env: dict | None = None, app: str = "app.py") -> subprocess.Popen:
    """Start ``streamlit run`` on loopback and wait until its health check answers."""
    # The server's output goes to a file: an unread pipe fills up (TensorFlow alone logs kilobytes)
    # and then blocks the server in the middle of a page.
    log = tempfile.NamedTemporaryFile("w+b", prefix=f"nnviz-server-{port}-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", app, "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env={**os.environ, **(env or {})},
        stdout=log, stderr=subprocess.STDOUT,
    )
    proc.log_path = log.name
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("streamlit did not start: " + Path(log.name).read_text(errors="replace")[-2000:])


@pytest.fixture(scope="session")
def server_url(tmp_path_factory):
    port = free_port()
    runs = tmp_path_factory.mktemp("e2e-runs")
    data = tmp_path_factory.mktemp("e2e-data")
    proc = start_server(port, {"NNVIZ_RUNS_DIR": str(runs), "NNVIZ_DATA_DIR": str(data)})
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.errors = errors
    yield pg
    context.close()


def wait_for_app(pg, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished running the script (no 'running' widget)."""
    pg.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelector('[data-testid=\"stMain\"]') !== null",
        timeout=timeout,
    )


def no_exception(pg) -> None:
    """Fail if Streamlit shows an exception box on the page."""
    assert pg.locator('[data-testid="stException"]').count() == 0, "the page shows an exception"


def screenshot(pg, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path
