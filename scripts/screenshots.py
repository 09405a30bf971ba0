"""The README's screenshots, taken from the app as it is: ``.venv/bin/python scripts/screenshots.py``
(all of them) or ``scripts/screenshots.py projector_class phone`` (those named: the functions below).

``--all`` instead takes every page at 1280 × 800, 390 × 844 and in presenter mode at 1280 × 720, in the light
and the dark theme (the system preference the app follows), into ``screenshots/all/`` (not kept in git), with
one contact sheet per size and theme (``sheet_<size>_<theme>.png``) to look through.

Starts ``streamlit run app.py`` (the project's .streamlit/config.toml) on a free loopback port (``bench.load.Server``), drives
Debian's chromium with Playwright and writes small viewport PNGs into ``docs/screenshots/``. Look at
every PNG before committing it.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (the repository root on the path first)
from bench.load import Server  # noqa: E402
from tests.e2e.test_live_class import join, start_presenting  # noqa: E402  (the tests' way to run a class)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
READY = ("() => document.querySelector('[data-testid=\"stMain\"]') !== null"
         " && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
         " && !document.querySelector('[data-testid=\"stSkeleton\"]')")


def settle(page, extra_ms: int = 1500) -> None:
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    page.wait_for_function(READY, timeout=60_000)
    page.wait_for_timeout(extra_ms)  # fonts, KaTeX and Plotly's first draw
    page.wait_for_function(READY, timeout=60_000)


def scroll_to(page, locator, above: int = 0) -> None:
    """Scroll the page so that ``locator``'s top sits ``above`` px under the top of the window."""
    locator.first.wait_for(timeout=60_000)
    locator.first.evaluate("""(e, above) => {
        let s = e.parentElement;
        while (s && !(s.scrollHeight > s.clientHeight && /auto|scroll/.test(getComputedStyle(s).overflowY)))
            s = s.parentElement;
        s = s || document.scrollingElement;
        // A few rounds: under presenter mode's CSS zoom a scrolled pixel is not a drawn pixel.
        for (let i = 0; i < 6; i++) s.scrollBy(0, e.getBoundingClientRect().top - above);
    }""", above)
    page.wait_for_timeout(800)


def save(page, name: str) -> None:
    """A viewport PNG, its colours quantised when Pillow is there (a few times smaller, same look)."""
    page.mouse.move(1, 1)  # no chart hovered: its toolbar hidden
    page.wait_for_timeout(400)
    png = page.screenshot(full_page=False)
    try:
        from PIL import Image
    except ImportError:
        data = png
    else:
        image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        data = buffer.getvalue()
    path = OUT / f"{name}.png"
    path.write_bytes(data)
    print(f"{path.relative_to(ROOT)}  {len(data) / 1024:.0f} KB")


def playground_playing(browser, url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{url}/playground?dataset=spiral")
    settle(page)
    page.wait_for_function("() => window.nnvizPlayground && window.nnvizPlayground.drawn > 0", timeout=60_000)
    page.get_by_role("button", name="▶ Play").click()
    page.wait_for_timeout(6000)
    scroll_to(page, page.locator('[data-testid="playground-boundary"]'), 165)
    save(page, "playground_playing")
    context.close()


def backpropagation_step(browser, url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{url}/backpropagation")
    settle(page)
    page.get_by_role("tab", name="A real network, step by step").click()
    settle(page)
    page.get_by_text("backpropagate", exact=True).click()
    settle(page, 2500)
    scroll_to(page, page.get_by_role("radiogroup"), 30)
    save(page, "backpropagation_step")
    context.close()


def gradient_descent(browser, url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{url}/gradient_descent")
    settle(page, 2500)
    scroll_to(page, page.get_by_role("tablist"), 20)
    save(page, "gradient_descent")
    context.close()


def phone(browser, url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{url}/playground?dataset=spiral")
    settle(page)
    page.wait_for_function("() => window.nnvizPlayground && window.nnvizPlayground.drawn > 0", timeout=60_000)
    play = page.get_by_role("button", name="▶ Play")
    scroll_to(page, play, 60)
    play.click()
    page.wait_for_timeout(5000)
    save(page, "phone_playground")
    context.close()


def projector(browser, url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(f"{url}/activations?present=1")
    settle(page, 2500)
    scroll_to(page, page.get_by_role("heading", name="1 · Shapes and derivatives"), 60)
    save(page, "projector_activations")
    context.close()


def projector_class(browser, url: str) -> None:
    """The teacher's screen on a projector in a live class: the join code, a question asked, the answers in."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    teacher = context.new_page()
    teacher.goto(f"{url}/gradient_descent?present=1")
    settle(teacher)
    code = start_presenting(teacher)
    students = []
    for _ in range(5):
        student = browser.new_context(viewport={"width": 390, "height": 844})
        join(student.new_page(), url, code)
        students.append(student)
    teacher.get_by_role("button", name="Ask this question").click()
    for student, answer in zip(students, ("diverges", "oscillates", "diverges", "diverges", "converges")):
        page = student.pages[0]
        page.get_by_text("Question from your teacher").wait_for(timeout=30_000)
        page.get_by_text(answer, exact=True).click()
        page.get_by_role("button", name="Send my answer").click()
        page.get_by_text("Answer sent").wait_for(timeout=30_000)
    teacher.get_by_text(f"answered {len(students)} of {len(students)}").wait_for(timeout=30_000)
    settle(teacher)
    # The answer chart's labels just above the window's foot; the count, the code and the QR code above them.
    tally = teacher.locator('[data-testid="stMain"] .js-plotly-plot', has_text="The class's answers")
    labels = tally.evaluate("p => Math.max(...[...p.querySelectorAll('.xtick text')].map(t => "
                            "t.getBoundingClientRect().bottom)) - p.getBoundingClientRect().top")
    scroll_to(teacher, tally, 720 - 12 - labels)
    save(teacher, "projector_class")
    for student in students:
        student.close()
    context.close()


PAGES = ("", "perceptron", "activations", "cost_functions", "gradient_descent", "backpropagation", "playground",
         "keras_training", "loss_curves")
SIZES = {"laptop": (1280, 800, ""), "phone": (390, 844, ""), "projector": (1280, 720, "?present=1")}


def every_page(browser, url: str) -> None:
    """Each page at each size in each theme: a tall window (Streamlit scrolls inside its own box, so a
    full-page shot holds only the window) of four screens, and one contact sheet per size and theme."""
    from PIL import Image

    folder = ROOT / "screenshots" / "all"
    folder.mkdir(parents=True, exist_ok=True)
    for size, (width, height, query) in SIZES.items():
        for theme in ("light", "dark"):
            shots = []
            context = browser.new_context(viewport={"width": width, "height": height * 4}, color_scheme=theme)
            for path in PAGES:
                page = context.new_page()
                page.goto(f"{url}/{path}{query}")
                settle(page, 2500)
                file = folder / f"{size}_{theme}_{path or 'home'}.png"
                page.screenshot(path=str(file))
                shots.append(Image.open(file).convert("RGB"))
                page.close()
            context.close()
            scale = 360 / shots[0].width
            thumbs = [shot.resize((360, int(shot.height * scale))) for shot in shots]
            sheet = Image.new("RGB", (360 * len(thumbs), max(t.height for t in thumbs)), "white")
            for i, thumb in enumerate(thumbs):
                sheet.paste(thumb, (360 * i, 0))
            sheet.save(folder / f"sheet_{size}_{theme}.png")
            print(f"screenshots/all/sheet_{size}_{theme}.png")


SHOTS = {shot.__name__: shot for shot in (playground_playing, backpropagation_step, gradient_descent, phone,
                                           projector, projector_class)}


def main() -> None:
    unknown = [arg for arg in sys.argv[1:] if not arg.startswith("--") and arg not in SHOTS]
    if unknown:
        sys.exit(f"unknown screenshot {unknown[0]!r}; choose among: {', '.join(SHOTS)}")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nnviz-screenshot-runs-") as runs, \
            tempfile.TemporaryDirectory(prefix="nnviz-screenshot-data-") as data, \
            Server(env={"NNVIZ_RUNS_DIR": runs, "NNVIZ_DATA_DIR": data}) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        named = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
        shots = (every_page,) if "--all" in sys.argv[1:] else tuple(SHOTS[name] for name in named) or tuple(
            SHOTS.values())
        for shot in shots:
            shot(browser, server.url)
        browser.close()


if __name__ == "__main__":
    main()
