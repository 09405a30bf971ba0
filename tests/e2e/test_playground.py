"""The playground in a real browser: Play advances the epoch and redraws the boundary on the live canvas."""

import pytest

from tests.e2e.conftest import SCREENSHOTS, no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.browser

BOUNDARY_PIXELS = """() => {
  const c = document.querySelector('[data-testid="playground-boundary"]');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let sum = 0, coloured = 0;
  for (let i = 0; i < d.length; i += 4) {
    sum = (sum * 31 + d[i] + 7 * d[i + 1] + 13 * d[i + 2]) % 1000000007;
    if (Math.abs(d[i] - d[i + 2]) > 40) coloured++;
  }
  return {hash: sum, coloured: coloured / (d.length / 4), width: c.width, height: c.height};
}"""


def epoch_number(page) -> int:
    text = page.locator('[data-testid="playground-epoch"]').inner_text()
    return int(text.replace("Epoch", "").replace(",", "").strip())


def test_play_advances_the_epoch_and_changes_the_boundary(server_url, page):
    page.goto(server_url)  # the home page first: it switches a fresh server to app.py's navigation
    wait_for_app(page)
    page.set_viewport_size({"width": 1400, "height": 1500})
    page.goto(f"{server_url}/playground?dataset=spiral&hidden=8,8")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="playground-boundary"]', timeout=30_000)
    page.wait_for_function("() => window.nnvizPlayground && window.nnvizPlayground.drawn > 0", timeout=30_000)
    no_exception(page)
    assert epoch_number(page) == 0
    before = page.evaluate(BOUNDARY_PIXELS)
    # The boundary is the largest canvas on the page.
    sizes = page.evaluate("() => [...document.querySelectorAll('canvas')].map(c => c.width * c.height)")
    assert before["width"] * before["height"] == max(sizes)
    assert before["coloured"] > 0.5  # a drawn heatmap, not a blank canvas

    page.get_by_role("button", name="▶ Play").click()
    page.wait_for_function("() => window.nnvizPlayground.epoch > 100", timeout=60_000)
    drawn_at_start = page.evaluate("() => window.nnvizPlayground.drawn")
    # Frames keep coming: waited for (a slow machine gives a slow pass), not slept for.
    page.wait_for_function(f"() => window.nnvizPlayground.drawn > {drawn_at_start + 10}", timeout=120_000)
    after = page.evaluate(BOUNDARY_PIXELS)
    assert epoch_number(page) > 100
    assert after["hash"] != before["hash"] and after["coloured"] > 0.5
    assert page.get_by_role("button", name="Pause").is_visible()
    no_exception(page)
    page.locator(".nnviz-pg").scroll_into_view_if_needed()
    screenshot(page, "playground")
    page.locator(".nnviz-pg").screenshot(path=str(SCREENSHOTS / "playground_canvas.png"))

    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="▶ Play").wait_for(timeout=30_000)
    assert not page.errors


def test_hovering_a_link_shows_its_weight_and_a_click_adds_a_point(server_url, page):
    page.goto(f"{server_url}/playground?hidden=3")
    wait_for_app(page)
    page.wait_for_function("() => window.nnvizPlayground && window.nnvizPlayground.linkProbe", timeout=30_000)
    net = page.locator(".nnviz-pg-net")
    x, y = page.evaluate("() => window.nnvizPlayground.linkProbe")
    net.hover(position={"x": x, "y": y})
    tip = page.locator(".nnviz-pg-tip")
    tip.wait_for(state="visible", timeout=15_000)
    assert "X₁ → layer 1 neuron 1: w = " in tip.inner_text()

    points = page.evaluate("() => window.nnvizPlayground.points")
    option = page.get_by_role("option", name="class 1")
    for _ in range(5):  # the dropdown may close again if a rerun lands right after the click
        page.get_by_label("Click on the output to add a point of class").click()
        try:
            option.wait_for(timeout=5_000)
            break
        except Exception:
            page.keyboard.press("Escape")
    option.click()
    page.wait_for_function("() => window.nnvizPlayground.addClass === 1", timeout=30_000)
    boundary = page.locator('[data-testid="playground-boundary"]')
    boundary.click(position={"x": 300, "y": 150})
    page.wait_for_function(f"() => window.nnvizPlayground.points === {points + 1}", timeout=30_000)
    no_exception(page)


def test_on_a_slow_link_the_canvas_asks_for_fewer_frames_and_keeps_playing(server_url, page):
    """Chromium's own network throttling (100 KB/s each way, 50 ms) between the page and the server: the
    canvas measures how long its link took for a batch and asks for fewer frames, and training goes on."""
    page.goto(server_url)
    wait_for_app(page)
    page.goto(f"{server_url}/playground?dataset=spiral&hidden=8,8")
    wait_for_app(page)
    page.wait_for_function("() => window.nnvizPlayground && window.nnvizPlayground.drawn > 0", timeout=30_000)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 50, "downloadThroughput": 100_000,
                                                  "uploadThroughput": 100_000})
    page.get_by_role("button", name="▶ Play").click()
    page.wait_for_function("() => window.nnvizPlayground.want !== undefined && window.nnvizPlayground.want <= 2",
                           timeout=90_000)
    before = page.evaluate("() => ({...window.nnvizPlayground})")
    # Batches keep coming, compressed, and training goes on: waited for, with a generous deadline.
    page.wait_for_function(
        f"""() => {{ const p = window.nnvizPlayground;
                    return p.batches >= {before['batches'] + 3} && p.deflated > {before['deflated']}
                           && p.epoch > {before['epoch']}; }}""", timeout=180_000)
    after = page.evaluate("() => ({...window.nnvizPlayground})")
    assert after["linkMs"] > 100  # the throttled link, measured by the canvas (loopback: a few ms)
    assert after["deflated"] > before["deflated"]  # compressed batches for the slow link, read by the canvas
    assert after["batches"] >= before["batches"] + 3 and after["epoch"] > before["epoch"]
    assert after["want"] <= 2 and not after.get("reasked")
    assert page.get_by_role("button", name="Pause").is_visible()
    no_exception(page)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    # Back on a fast link, the canvas asks for full batches again.
    page.wait_for_function("() => window.nnvizPlayground.want >= 10", timeout=30_000)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="▶ Play").wait_for(timeout=30_000)
    assert not page.errors


def test_while_playing_the_loss_curve_grows_and_one_epoch_counter_is_shown(server_url, page):
    """TensorFlow Playground's users watch the loss curve grow: the canvas's loss chart gains points while playing,
    and the epoch is shown once (the frame the canvas draws), not also by a number running ahead of it."""
    page.goto(server_url)
    wait_for_app(page)
    page.goto(f"{server_url}/playground?dataset=spiral&hidden=8,8")
    wait_for_app(page)
    page.wait_for_function("() => window.nnvizPlayground && window.nnvizPlayground.drawn > 0", timeout=30_000)
    page.get_by_role("button", name="▶ Play").click()
    page.get_by_role("button", name="Pause").wait_for(timeout=30_000)
    page.wait_for_function("() => window.nnvizPlayground.lossPoints >= 2", timeout=60_000)
    start = page.evaluate("() => window.nnvizPlayground.lossPoints")
    page.wait_for_function(f"() => window.nnvizPlayground.lossPoints >= {start + 20}", timeout=120_000)
    # Read while playing: the canvas's counter, and no other "Epoch" on the page.
    shown = page.evaluate("""() => ({
        playing: [...document.querySelectorAll('button')].some(b => b.innerText.includes('Pause')),
        canvas: document.querySelectorAll('[data-testid="playground-epoch"]').length,
        metrics: [...document.querySelectorAll('[data-testid="stMetricLabel"]')].filter(e => /Epoch/.test(e.innerText)).length,
        epoch: window.nnvizPlayground.epoch,
    })""")
    assert shown["playing"] and shown["canvas"] == 1 and shown["metrics"] == 0 and shown["epoch"] > 0
    assert epoch_number(page) > 0
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="▶ Play").wait_for(timeout=30_000)
    # Paused, the page's numbers come back (the page tests hold them equal to the canvas's paused frame).
    page.locator('[data-testid="stMetricLabel"]', has_text="Epoch").wait_for(timeout=30_000)
    no_exception(page)
    assert not page.errors


def test_on_a_phone_the_plot_fits_the_screen_and_play_is_near_it(server_url, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(server_url)
        wait_for_app(page)
        page.goto(f"{server_url}/playground")
        wait_for_app(page)
        page.wait_for_function("() => window.nnvizPlayground && window.nnvizPlayground.drawn > 0", timeout=30_000)
        page.get_by_role("button", name="▶ Play").scroll_into_view_if_needed()
        box = page.evaluate("""() => {
            const plot = document.querySelector('[data-testid="playground-boundary"]').getBoundingClientRect();
            const play = [...document.querySelectorAll('button')].find(b => b.innerText.includes('Play'))
                           .getBoundingClientRect();
            return {scroll: document.scrollingElement.scrollWidth, width: innerWidth, height: innerHeight,
                    left: plot.left, right: plot.right, bottom: plot.bottom, playTop: play.top};
        }""")
        assert box["scroll"] <= box["width"]  # no sideways scrolling
        assert 0 <= box["left"] and box["right"] <= box["width"]  # the whole plot on the screen's width
        assert box["bottom"] - box["playTop"] <= box["height"]  # Play and the whole plot within one screen
        screenshot(page, "playground_phone")
    finally:
        context.close()
