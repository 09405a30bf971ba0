"""The browser benchmark's measurement, once, on the bare floor app in a real chromium (no timing thresholds)."""

import threading

import pytest

from bench import bench_browser

pytestmark = pytest.mark.browser


def _in_own_thread(fn):
    # Playwright's sync API refuses to start where another sync session runs (the e2e tests' browser
    # fixture); a thread of its own has no running loop.
    result = {}

    def target():
        try:
            result["value"] = fn()
        except BaseException as exc:  # re-raised in the test
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def _measure_floor():
    with bench_browser.serve("bench/floor_app.py") as (url, pid), bench_browser.browser() as browser:
        return bench_browser.measure(browser, url, "/", "floor", presses=2, quiet=1.0, server_pid=pid)


def test_a_key_press_on_the_floor_app_is_timed_to_its_chart_redraw():
    result = _in_own_thread(_measure_floor)
    assert result.note == ""
    assert len(result.presses) == 2
    for press in result.presses:
        assert press.key_to_chart is not None and press.key_to_chart > 0
        assert press.key_to_finished is not None and 0 < press.key_to_finished <= press.key_to_chart
        assert press.charts >= 1
        assert press.browser_cpu is not None and press.browser_cpu > 0  # the page's main thread's CPU
        assert press.reruns_sent == 1
        assert press.finishes == [0]  # FINISHED_SUCCESSFULLY
        assert press.plotly_deltas == ["(untitled)"]  # the one chart, re-sent in full
    assert len(result.reruns) == 2  # the browser's rerun_script messages, kept for the replay

