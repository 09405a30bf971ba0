"""The course map's thumbnails are computed by the core and cost little."""

import numpy as np
import pytest

from nnviz.ui import home
from nnviz.ui.course import COURSE


@pytest.mark.parametrize("lesson", COURSE, ids=lambda lesson: lesson.url_path)
def test_every_lesson_has_a_finite_thumbnail(lesson):
    figure = home._BUILDERS[lesson.url_path]()
    assert figure.data, lesson.url_path
    for trace in figure.data:
        for axis in ("x", "y"):
            values = np.asarray(getattr(trace, axis), dtype=float)
            assert values.size and np.all(np.isfinite(values))


def test_overfitting_thumbnail_shows_validation_loss_turning_up():
    training, validation = (np.asarray(t.y) for t in home._keras().data)
    assert training[-1] < training[0] / 10
    assert validation.argmin() > 0 and validation[-1] > validation.min() * 1.3
