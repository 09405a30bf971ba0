"""The loss-curves page in a real browser at a laptop's size, with four runs: nothing drawn over anything else.

The runs are written with the project's run store into a folder of this module's own server, as a training
on the Keras page stores them.
"""

import numpy as np
import pytest

from nnviz import curves
from nnviz.keras.runs import RunStore
from tests.e2e.conftest import free_port, no_exception, screenshot, start_server, wait_for_app

pytestmark = pytest.mark.browser

EPOCHS = np.arange(1, 31)
RUNS = {  # name: (training loss, validation loss, config)
    "iris-8-8-adam": (np.exp(-EPOCHS / 6) + 0.05,
                      np.r_[np.exp(-EPOCHS[:12] / 6) + 0.1, np.exp(-2) + 0.1 + 0.02 * (EPOCHS[12:] - 12)], {}),
    "iris-16-early-stopping": (np.exp(-EPOCHS[:14] / 5) + 0.05, np.exp(-EPOCHS[:14] / 5) + 0.12,
                               {"early_stopping_epoch": 14}),
    "iris-4-sgd-slow": (1.1 - 0.004 * EPOCHS, 1.12 - 0.004 * EPOCHS, {}),
    "iris-8-stopped-by-hand": (np.linspace(0.9, 0.42, 9), np.linspace(0.95, 0.47, 9),
                               {"stopped_by_user": True, "epochs_run": 9}),
}


@pytest.fixture(scope="module")
def curves_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("curves-runs")
    store = RunStore(root)
    for name, (train, val, config) in RUNS.items():
        staging = store.staging()
        (staging / "model.keras").write_bytes(b"not a model: the page reads only the history")
        store.commit(staging, name, {"data": "iris", **config}, {"loss": list(train), "val_loss": list(val)},
                     [0.3 * (i + 1) for i in range(len(train))], "someone")
    port = free_port()
    proc = start_server(port, {"NNVIZ_RUNS_DIR": str(root)})
    yield f"http://127.0.0.1:{port}/loss_curves?runs=" + ",".join(RUNS)
    proc.terminate()
    proc.wait(10)


def _page(browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    return context, context.new_page()


@pytest.fixture
def laptop(browser):
    context, page = _page(browser, 1280, 800)
    yield page
    context.close()


@pytest.fixture(params=[(1280, 800), (390, 844)], ids=["laptop", "phone"])
def screen(browser, request):
    context, page = _page(browser, *request.param)
    yield page
    context.close()


def _open(page, url):
    page.goto(url)
    wait_for_app(page, timeout=60_000)
    page.wait_for_selector('[data-testid="stPlotlyChart"] .legend', timeout=30_000)
    page.wait_for_timeout(500)  # Plotly's margins settle after its first draw
    no_exception(page)


def test_every_runs_whole_diagnosis_is_shown_and_fits_its_box(laptop, curves_url):
    _open(laptop, curves_url)
    box = laptop.locator(".st-key-curves_diagnoses")
    text = box.inner_text()
    for name, (train, val, _) in RUNS.items():
        assert curves.diagnose(train, val).message in text, name
    sizes = box.locator("li").evaluate_all("items => items.map(li => [li.scrollWidth, li.clientWidth])")
    assert len(sizes) == len(RUNS)
    assert all(scroll <= client for scroll, client in sizes), sizes  # wrapped, never cut at an edge
    screenshot(laptop, "loss_curves_four_runs")


def _boxes(page) -> dict:
    return page.evaluate("""() => {
      const svg = document.querySelector('[data-testid="stPlotlyChart"] .main-svg');
      const chart = svg.closest('.js-plotly-plot');
      const rect = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
      const subtitle = chart.querySelector('.gtitle-subtitle');
      return {figure: rect(svg), title: rect(chart.querySelector('.gtitle')),
              subtitle: subtitle ? rect(subtitle) : null,
              legend: rect(chart.querySelector('.legend')), xtitle: rect(chart.querySelector('.g-xtitle')),
              plot: rect(chart.querySelector('.nsewdrag')),
              annotations: Array.from(chart.querySelectorAll('.annotation')).map(rect)};
    }""")


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_the_legend_of_four_runs_stays_clear_of_the_title_the_plot_and_the_axis_title(screen, curves_url):
    _open(screen, curves_url)
    boxes = _boxes(screen)
    assert boxes["subtitle"], "the smoothing is said on the title's second line"
    for other in ("title", "subtitle", "xtitle", "plot"):
        assert not _overlap(boxes["legend"], boxes[other]), (other, boxes)
    for title in ("title", "subtitle"):  # both lines inside the figure: nothing cut off at its edge
        assert boxes["figure"][0] <= boxes[title][0] and boxes[title][2] <= boxes["figure"][2], boxes
    for note in boxes["annotations"]:
        assert not _overlap(boxes["legend"], note) and not _overlap(boxes["title"], note), boxes
    left, top, right, bottom = boxes["figure"]
    assert left <= boxes["legend"][0] and boxes["legend"][2] <= right and boxes["legend"][3] <= bottom


def test_the_link_keeps_the_chosen_runs(laptop, curves_url):
    _open(laptop, curves_url.split("?")[0])  # no runs named: the latest three are shown, and the link says so
    laptop.wait_for_function("() => location.search.includes('runs=')")
    assert laptop.url.endswith("?runs=" + "%2C".join(list(RUNS)[-3:]))
    _open(laptop, curves_url)  # a link naming four opens those four
    chosen = laptop.get_by_test_id("stMultiSelectTagsContainer").inner_text()
    assert [name for name in RUNS if name in chosen] == list(RUNS), chosen
    assert sorted(RUNS, key=chosen.index) == list(RUNS)  # in the link's order
