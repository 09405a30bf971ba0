"""Loss-curve analysis: TensorBoard's smoothing, the best epoch, the diagnosis."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz import curves


def tensorboard_classic_smoothing(values, weight):
    """A line-by-line port of TensorBoard's ``classicSmoothing`` (data_transformer.ts), the reference."""
    if all(v == values[0] for v in values):
        return list(values)
    last, num_accum, out = 0.0, 0, []
    for next_val in values:
        if not math.isfinite(next_val):
            out.append(next_val)
            continue
        last = last * weight + (1 - weight) * next_val
        num_accum += 1
        debias = 1 if weight == 1 else 1 - weight**num_accum
        out.append(last / debias)
    return out


def test_smoothing_matches_tensorboards_own_test_numbers():
    # The expected values of TensorBoard's data_transformer_test.ts ("smoothes data series", weight 0.6).
    np.testing.assert_allclose(curves.smooth([1, 0.5, 0], 0.6),
                               [1, 0.6875, ((0.5 * 0.4 + 0.4 * 0.6) * 0.6) / (1 - 0.6**3)])
    np.testing.assert_allclose(curves.smooth([0, 0.5, 1], 0.6),
                               [0, 0.3125, (1 * 0.4 + 0.5 * 0.4 * 0.6) / (1 - 0.6**3)])
    assert curves.smooth([], 0.6).size == 0


def test_non_finite_values_pass_through_without_poisoning_later_points():
    # TensorBoard's "omits not finite values in smoothing" case.
    out = curves.smooth([-math.inf, 1, math.nan, math.inf, 0.5], 0.6)
    assert out[0] == -math.inf and math.isnan(out[2]) and out[3] == math.inf
    assert out[1] == 1 and out[4] == pytest.approx(0.6875)


def test_weight_zero_is_raw_and_constant_series_stay_exact():
    assert curves.smooth([1, 0.5, 0], 0.0).tolist() == [1, 0.5, 0]
    assert curves.smooth([0.3, 0.3, 0.3], 0.1).tolist() == [0.3, 0.3, 0.3]


@pytest.mark.parametrize("weight", [-0.1, 1.0, math.nan])
def test_weight_outside_zero_one_is_refused(weight):
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        curves.smooth([1, 2], weight)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.floats(-1e6, 1e6), st.just(math.nan), st.just(math.inf)), min_size=1, max_size=40),
       st.floats(0, 0.999))
def test_smoothing_equals_the_tensorboard_port_on_any_series(values, weight):
    np.testing.assert_allclose(curves.smooth(values, weight), tensorboard_classic_smoothing(values, weight),
                               rtol=1e-12, atol=1e-9)


def test_best_epoch_counts_from_one_and_skips_nan():
    assert curves.best_epoch([3, 2, math.nan, 2.5]) == 2
    assert curves.best_epoch([math.nan]) is None


def test_diagnosis_overfitting_names_the_epoch_the_validation_loss_bottomed_out():
    train = np.linspace(1.0, 0.05, 30)
    val = np.concatenate([np.linspace(1.0, 0.4, 10), np.linspace(0.42, 0.9, 20)])
    d = curves.diagnose(train, val)
    assert d.kind == "overfitting" and d.epoch == 10
    assert "epoch 10" in d.message


def test_diagnosis_diverged_names_the_first_bad_epoch():
    d = curves.diagnose([1.0, 3.0, math.nan, math.nan])
    assert d.kind == "diverged" and d.epoch == 3
    d = curves.diagnose([1.0, 1.5, 2.5, 40.0])
    assert d.kind == "diverged" and d.epoch == 3


def test_diagnosis_underfitting_and_still_improving_and_good_fit():
    assert curves.diagnose([1.0, 0.97, 0.95, 0.95, 0.94], [1.0, 0.98, 0.96, 0.96, 0.95]).kind == "underfitting"
    assert curves.diagnose([0.7, 0.65, 0.6], baseline=0.69).kind == "underfitting"
    d = curves.diagnose(np.linspace(1, 0.1, 20), np.linspace(1.1, 0.2, 20))
    assert d.kind == "still improving" and d.epoch == 20
    flat = np.concatenate([np.linspace(1, 0.2, 10), np.full(10, 0.2) + np.linspace(0, 0.001, 10)])
    d = curves.diagnose(flat * 0.9, flat)
    assert d.kind == "good fit" and d.epoch == 10


def test_diagnosis_diverged_against_a_constant_predictions_loss():
    d = curves.diagnose([3e31, 4e31, 5e31], baseline=5900.0)
    assert d.kind == "diverged" and d.epoch == 1 and "ten times" in d.message


def test_each_diagnosis_has_a_verdict_of_a_few_words_that_its_message_opens_with():
    cases = [curves.diagnose([1.0, 3.0, math.nan]), curves.diagnose([1.0, 0.97, 0.95, 0.94]),
             curves.diagnose(np.linspace(1.0, 0.05, 30), np.r_[np.linspace(1.0, 0.4, 10), np.linspace(0.42, 0.9, 20)]),
             curves.diagnose(np.linspace(1, 0.1, 20), np.linspace(1.1, 0.2, 20)), curves.diagnose([1.0])]
    assert [d.verdict for d in cases] == ["Diverged at epoch 3", "Underfitting", "Overfitting from epoch 10",
                                          "Still improving", "Too short"]
    for d in cases[:4]:
        assert d.message.startswith(d.verdict + ":") and len(d.verdict) <= 30


def test_whole_epochs_keeps_the_epochs_a_run_counts_as_whole():
    history = {"loss": [0.9, 0.6, 0.42, 0.485], "val_loss": [1.0, 0.7, 0.5, 0.55]}
    kept, wall = curves.whole_epochs(history, [1.0, 2.0, 3.0, 3.2], 3)  # the 4th epoch was cut short
    assert kept == {"loss": [0.9, 0.6, 0.42], "val_loss": [1.0, 0.7, 0.5]} and wall == [1.0, 2.0, 3.0]
    assert curves.whole_epochs(history, [1.0, 2.0, 3.0, 3.2], None)[0] == history
    assert curves.whole_epochs(history, [1.0, 2.0, 3.0, 3.2], 10)[1] == [1.0, 2.0, 3.0, 3.2]
    for unreadable in ("3", 2.5, True, [3]):  # a record edited by hand: every row is kept
        assert curves.whole_epochs(history, [1.0, 2.0, 3.0, 3.2], unreadable)[0] == history
