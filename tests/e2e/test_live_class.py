"""A live class in two real browsers: the teacher leads, the student follows, answers, and sees the reveal."""

import re

import pytest

from tests.e2e.conftest import CHROMIUM_ARGS, no_exception, screenshot, wait_for_app
from tests.e2e.test_sections_gradient_descent import _listen, _sent_after

pytestmark = pytest.mark.browser

LR_SLIDER = '[data-testid="stSlider"]:has-text("learning rate η")'


def _lr_shown(page) -> str:
    return page.locator(LR_SLIDER).first.locator('[data-testid="stSliderThumbValue"]').inner_text()


def _start_and_join(teacher, student, server_url, page: str, student_path: str = "") -> str:
    """The teacher starts a class on ``page``; the student opens its address and joins. Returns the code."""
    teacher.goto(f"{server_url}/{page}")
    start = teacher.get_by_text("Start a class", exact=True)
    start.wait_for(timeout=90_000)  # a first page load on a busy machine can be slow
    start.click()
    address = teacher.locator('[data-testid="stSidebar"] code', has_text="?class=").first
    address.wait_for(timeout=30_000)
    code = re.search(r"\?class=([A-Z]{4})", address.inner_text()).group(1)
    join(student, server_url, code, student_path)
    return code


def join(student, server_url: str, code: str, path: str = "") -> None:
    """A student opens the class's address (on ``path``) and joins it, with no nickname."""
    student.goto(f"{server_url}/{path}?class={code}")
    student.get_by_role("button", name="Join").click(timeout=90_000)
    student.get_by_text("Following the teacher").wait_for(timeout=30_000)


def start_presenting(teacher) -> str:
    """On a page open in presenter mode, the teacher starts a class from the sidebar and folds the sidebar away
    (the class's panel then fills the page). Returns the class's code."""
    teacher.get_by_test_id("stExpandSidebarButton").click()  # presenter mode starts with the sidebar collapsed
    teacher.locator('[data-testid="stSidebar"]').get_by_role("button", name="Start a class").click()
    address = teacher.locator('[data-testid="stMain"] code', has_text="?class=").first
    address.wait_for(timeout=60_000)
    code = re.search(r"\?class=([A-Z]{4})", address.inner_text()).group(1)
    teacher.locator('[data-testid="stSidebar"]').hover()
    teacher.get_by_test_id("stSidebarCollapseButton").locator("button").click()
    return code


@pytest.fixture
def two(browser):
    contexts = [browser.new_context(viewport={"width": 1280, "height": 720}) for _ in range(2)]
    pages = [c.new_page() for c in contexts]
    for pg in pages:
        pg.errors = []
        pg.on("pageerror", lambda exc, pg=pg: pg.errors.append(str(exc)))
    yield pages
    for c in contexts:
        c.close()


def test_the_student_follows_the_teacher_answers_and_sees_the_reveal(two, server_url):
    teacher, student = two
    _start_and_join(teacher, student, server_url, "gradient_descent")
    student.locator(LR_SLIDER).first.wait_for(timeout=30_000)  # the teacher's page opened on the student's
    assert "/gradient_descent" in student.evaluate("() => location.pathname")
    screenshot(student, "live_class_student")

    # The teacher moves the learning rate; the student's own slider shows the new value.
    before = _lr_shown(teacher)
    thumb = teacher.locator(LR_SLIDER).first.locator('input[type="range"]').first
    thumb.focus()
    thumb.press("ArrowRight")
    wait_for_app(teacher)
    after = _lr_shown(teacher)
    assert after != before
    student.wait_for_function(
        "v => Array.from(document.querySelectorAll('[data-testid=\"stSlider\"]')).some("
        "s => s.innerText.includes('learning rate η') && s.innerText.includes(v))", arg=after, timeout=2_000 + 8_000)

    # A question: the student answers, the teacher's count shows it.
    teacher.get_by_role("button", name="Ask this question").click()
    student.get_by_text("Question from your teacher").wait_for(timeout=10_000)
    student.get_by_text("diverges", exact=True).click()
    student.get_by_role("button", name="Send my answer").click()
    student.get_by_text("Answer sent").wait_for(timeout=10_000)
    teacher.get_by_text(re.compile(r"answered 1 of 1")).wait_for(timeout=10_000)
    screenshot(teacher, "live_class_teacher")

    # Reveal: the right answer, and the question's preset (η = 1.12 on the parabola) on the student's page.
    teacher.get_by_role("button", name="Reveal the answer").click()
    student.get_by_text("The answer: diverges").wait_for(timeout=10_000)
    student.wait_for_function("() => location.search.includes('lr=1.12')", timeout=10_000)
    student.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-testid=\"stSlider\"]')).some("
        "s => s.innerText.includes('learning rate η') && s.innerText.includes('1.12'))", timeout=10_000)
    for pg in (teacher, student):
        no_exception(pg)
        assert pg.errors == []


def test_a_student_who_explores_keeps_their_own_settings_until_they_follow_again(two, server_url):
    teacher, student = two
    _start_and_join(teacher, student, server_url, "perceptron", "perceptron")
    student.get_by_role("button", name="Explore on my own").click()
    student.get_by_text("Exploring on your own").wait_for(timeout=10_000)

    thumb = teacher.locator('[data-testid="stSlider"]:has-text("input x₁") input[type="range"]').first
    thumb.focus()
    thumb.press("ArrowRight")
    teacher.wait_for_function("() => location.search.includes('x1=1.1')", timeout=10_000)
    student.wait_for_timeout(2_500)  # two follower checks: a detached student must not move
    assert "x1=1.1" not in student.evaluate("() => location.search")

    student.get_by_role("button", name="Follow again").click()
    student.wait_for_function("() => location.search.includes('x1=1.1')", timeout=10_000)
    no_exception(student)


def test_a_wrong_class_code_is_explained(page, server_url):
    page.goto(f"{server_url}/?class=[x](http://example.invalid)")
    wait_for_app(page)
    page.get_by_text("That is not a class code").wait_for(timeout=10_000)
    assert page.locator('a[href*="example.invalid"]').count() == 0
    page.goto(f"{server_url}/?class=ACDE")
    wait_for_app(page)
    page.get_by_text("There is no class ACDE").wait_for(timeout=10_000)


def test_on_a_projector_the_count_and_the_answers_fit_one_screen(two, server_url):
    """Presenter mode at 1280 × 720: the joined · following line and the answers' chart are seen at once."""
    teacher, student = two
    teacher.goto(f"{server_url}/gradient_descent?present=1")
    wait_for_app(teacher, 90_000)
    join(student, server_url, start_presenting(teacher))
    teacher.get_by_role("button", name="Ask this question").click()
    student.get_by_text("Question from your teacher").wait_for(timeout=30_000)
    student.get_by_text("diverges", exact=True).click()
    student.get_by_role("button", name="Send my answer").click()
    teacher.get_by_text("answered 1 of 1").wait_for(timeout=30_000)
    wait_for_app(teacher)
    count = teacher.locator('[data-testid="stMain"]').get_by_text("joined · ").first.bounding_box()
    tally = teacher.locator('[data-testid="stMain"] .js-plotly-plot', has_text="The class's answers")
    tally.locator(".xtick text").first.wait_for(timeout=30_000)
    labels = tally.evaluate("p => Math.max(...[...p.querySelectorAll('.xtick text')].map(t => "
                            "t.getBoundingClientRect().bottom))")
    header = teacher.get_by_test_id("stHeader").bounding_box()
    # From the count's top to the answers' labels, under the page's header: no taller than the window.
    assert header["height"] + labels - count["y"] <= 720, (header, count, labels)
    no_exception(teacher)
    assert teacher.errors == []


def test_a_class_sweep_gives_the_student_one_learning_rate_and_fills_the_teachers_chart(two, server_url):
    teacher, student = two
    _start_and_join(teacher, student, server_url, "gradient_descent")

    teacher.get_by_role("button", name="Class sweep: one η each").click()
    student.get_by_text("Class sweep: your learning rate is η = 0.001").wait_for(timeout=15_000)
    student.wait_for_function("() => location.search.includes('lr=0.001')", timeout=15_000)
    teacher.get_by_text("Sweep: 1 of 15 cells in").wait_for(timeout=15_000)
    for pg in (teacher, student):
        no_exception(pg)
        assert pg.errors == []


def test_the_teachers_play_and_pause_reach_the_students_playground(two, server_url):
    teacher, student = two
    _start_and_join(teacher, student, server_url, "playground")
    student.get_by_role("button", name="▶ Play").wait_for(timeout=30_000)  # the teacher's page, paused
    teacher.get_by_role("button", name="▶ Play").click()
    teacher.get_by_role("button", name="Pause").wait_for(timeout=15_000)
    student.get_by_role("button", name="Pause").wait_for(timeout=15_000)  # its own copy plays
    teacher.get_by_role("button", name="Pause").click()
    teacher.get_by_role("button", name="▶ Play").wait_for(timeout=15_000)
    student.get_by_role("button", name="▶ Play").wait_for(timeout=15_000)  # and pauses with the teacher's

    teacher.get_by_role("button", name="Class sweep: one seed each").click()
    student.get_by_text("Class sweep: your seed is 0").wait_for(timeout=15_000)
    teacher.get_by_text("Sweep: 1 of 30 cells in").wait_for(timeout=15_000)
    for pg in (teacher, student):
        no_exception(pg)
        assert pg.errors == []


@pytest.fixture(scope="module")
def runs_url(tmp_path_factory):
    """A server whose store holds two runs: one overfitting from epoch 4, one still improving."""
    from nnviz.keras.runs import RunStore
    from tests.e2e.conftest import free_port, start_server

    root = tmp_path_factory.mktemp("class-runs")
    store = RunStore(root)
    for name, val in {"grows": [1.0, 0.7, 0.5, 0.45, 0.5, 0.6, 0.7, 0.8],
                      "steady": [1.0, 0.8, 0.6, 0.5, 0.45, 0.43, 0.42, 0.41]}.items():
        staging = store.staging()
        (staging / "model.keras").write_bytes(b"not a model: the page reads only the history")
        store.commit(staging, name, {"data": "iris"}, {"loss": [1.0 - 0.1 * i for i in range(8)], "val_loss": val},
                     [0.5 * (i + 1) for i in range(8)], "someone")
    port = free_port()
    proc = start_server(port, {"NNVIZ_RUNS_DIR": str(root), "NNVIZ_DATA_DIR": str(tmp_path_factory.mktemp("d"))})
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


def test_a_click_on_a_curve_answers_which_run_overfits_and_from_which_epoch(two, runs_url):
    teacher, student = two
    _start_and_join(teacher, student, runs_url, "loss_curves")
    teacher.get_by_role("button", name="Ask this question").click()
    student.get_by_text("Click its validation curve at that epoch").wait_for(timeout=15_000)
    chart = student.locator(".js-plotly-plot").first
    chart.wait_for(timeout=15_000)
    # The fourth point of the first curve: the run "grows" at epoch 4, where its validation loss was lowest.
    point = chart.locator(".scatterlayer .trace").first.locator(".points path").nth(3)
    where = point.bounding_box()
    student.mouse.click(where["x"] + where["width"] / 2, where["y"] + where["height"] / 2)
    student.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-testid=\"stNumberInput\"] input'))"
        ".some(i => i.value === '4')", timeout=15_000)
    # The run the click picked is checked by the verdict below ("grows", epoch 4: right).
    student.get_by_role("button", name="Send my answer").click()
    student.get_by_text("Answer sent").wait_for(timeout=10_000)
    teacher.get_by_text(re.compile(r"answered 1 of 1")).wait_for(timeout=10_000)
    teacher.get_by_role("button", name="Reveal the answer").click()
    student.get_by_text("The answer: grows, from epoch 4. You were right.").wait_for(timeout=15_000)
    for pg in (teacher, student):
        no_exception(pg)
        assert pg.errors == []


def test_a_teachers_change_reruns_only_the_sections_on_the_students_page(two, server_url):
    """The follower's page takes the teacher's new value by rerunning its sections: nothing from outside them
    (the title, the introduction, the presets bar, the sidebar) is sent again."""
    teacher, student = two
    messages = _listen(student)
    _start_and_join(teacher, student, server_url, "perceptron", "perceptron")
    student.wait_for_function("() => location.pathname.endsWith('/perceptron')", timeout=30_000)
    wait_for_app(student)
    student.wait_for_timeout(2_000)  # a follower check or two, so the page has settled
    start = len(messages)
    thumb = teacher.locator('[data-testid="stSlider"]:has-text("input x₁") input[type="range"]').first
    thumb.focus()
    thumb.press("ArrowRight")
    teacher.wait_for_function("() => location.search.includes('x1=1.1')", timeout=10_000)
    student.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-testid=\"stSlider\"]')).some("
        "s => s.innerText.includes('input x₁') && s.innerText.includes('1.1'))", timeout=10_000)
    wait_for_app(student)
    elements, runs = _sent_after(messages, start)
    assert elements and runs, "the student's page was sent nothing"
    assert all(fragment for fragment, _, _ in elements), [e for e in elements if not e[0]]
    assert any(kind == "plotly_chart" for _, kind, _ in elements)
    no_exception(student)
    assert student.errors == []
