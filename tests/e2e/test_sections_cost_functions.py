"""The cost-functions page's sections rerun alone in a real browser: counted, not timed.

Redraws and stale marks are counted as on the activation-functions page (its test has the helpers).
"""

import pytest

from tests.e2e.conftest import no_exception
from tests.e2e.test_sections import TAGGED, _press
from tests.e2e.test_sections_activations import _open, _redrawn, _resent, _settle, _stale

pytestmark = pytest.mark.browser

CURVES, BATCH, SLOWDOWN, CATEGORICAL = "Cost and its gradient", "The batch cost", "One sigmoid neuron", "Categorical"


def test_the_output_slider_redraws_its_cost_curves_only(page, server_url):
    _open(page, f"{server_url}/cost_functions", 4)
    _press(page, "output a")
    redraws = _settle(page, "a=0.81", CURVES)
    assert not any(_redrawn(redraws, title) for title in (BATCH, SLOWDOWN, CATEGORICAL)), redraws
    assert [title for title in _stale(page) if not title.startswith(CURVES)] == []
    assert _resent(page, CURVES) and not any(_resent(page, title) for title in (BATCH, SLOWDOWN, CATEGORICAL))
    assert page.evaluate(TAGGED, SLOWDOWN) == [True] and page.evaluate(TAGGED, CATEGORICAL) == [True]
    no_exception(page)
    assert page.errors == []


def test_the_epochs_slider_retrains_without_touching_the_other_charts(page, server_url):
    _open(page, f"{server_url}/cost_functions", 4)
    _press(page, "epochs")
    redraws = _settle(page, "epochs=310", SLOWDOWN)
    assert not any(_redrawn(redraws, title) for title in (CURVES, BATCH, CATEGORICAL)), redraws
    assert [title for title in _stale(page) if not title.startswith(SLOWDOWN)] == []
    assert _resent(page, SLOWDOWN) and not any(_resent(page, title) for title in (CURVES, BATCH, CATEGORICAL))
    assert page.evaluate(TAGGED, CURVES) == [True]
    no_exception(page)
