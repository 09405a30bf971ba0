"""nnviz.backprop_lesson: the chain rule number by number, over nnviz.network."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnviz import backprop_lesson as lesson
from nnviz import losses
from nnviz.network import backward, cost, forward, numerical_gradients, sgd_step

PARAMS = {"w1": 0.8, "b1": 0.1, "w2": -1.2, "b2": 0.3, "w3": 1.5, "b3": -0.4}


def _sigmoid(z):
    return 1 / (1 + math.exp(-z))


def _chain_by_hand(x, y, p):
    a = x
    for l in (1, 2, 3):
        a = _sigmoid(p[f"w{l}"] * a + p[f"b{l}"])
    return (a - y) ** 2


def test_chain_values_match_a_hand_written_forward_pass():
    ch = lesson.chain(0.5, 1.0, PARAMS)
    a1 = _sigmoid(0.8 * 0.5 + 0.1)
    a2 = _sigmoid(-1.2 * a1 + 0.3)
    a3 = _sigmoid(1.5 * a2 - 0.4)
    assert ch.a == pytest.approx((0.5, a1, a2, a3), abs=1e-15)
    assert ch.z[1] == pytest.approx(0.5, abs=1e-15)
    assert ch.cost == pytest.approx((a3 - 1.0) ** 2, abs=1e-15)
    assert ch.sigma_prime[3] == pytest.approx(a3 * (1 - a3), abs=1e-15)


@pytest.mark.parametrize("name", lesson.CHAIN_PARAMETERS)
def test_each_chain_gradient_is_the_product_of_its_factors_and_matches_finite_differences(name):
    ch = lesson.chain(0.5, 1.0, PARAMS)
    product = math.prod(f.value for f in ch.factors[name])
    assert product == pytest.approx(ch.gradients[name], rel=1e-12)
    h = 1e-6
    up = _chain_by_hand(0.5, 1.0, {**PARAMS, name: PARAMS[name] + h})
    down = _chain_by_hand(0.5, 1.0, {**PARAMS, name: PARAMS[name] - h})
    assert ch.gradients[name] == pytest.approx((up - down) / (2 * h), rel=1e-7)
    # The earlier the layer, the longer the product: 3, 5 or 7 factors.
    assert len(ch.factors[name]) == {"3": 3, "2": 5, "1": 7}[name[1]]


def test_chain_gradients_are_twice_the_networks_quadratic_gradients():
    ch = lesson.chain(-1.0, 0.2, PARAMS)
    net = lesson.chain_network(PARAMS)
    grads = backward(net, forward(net, [[-1.0]]), [[0.2]], losses.get("quadratic"))
    assert ch.gradients["w2"] == 2 * grads.dW[1][0, 0]
    assert ch.gradients["b1"] == 2 * grads.db[0][0]


def test_chain_product_latex_shows_every_factor_number_and_the_result():
    ch = lesson.chain(0.5, 1.0, PARAMS)
    text = lesson.chain_product_latex(ch, "w1")
    for factor in ch.factors["w1"]:
        assert f"({lesson.fmt(factor.value)})" in text
    assert text.endswith(lesson.fmt(ch.gradients["w1"]))


def test_chain_rejects_missing_or_non_finite_parameters():
    with pytest.raises(ValueError, match="missing b3"):
        lesson.chain(0.5, 1.0, {k: v for k, v in PARAMS.items() if k != "b3"})
    with pytest.raises(ValueError, match="finite"):
        lesson.chain(0.5, 1.0, {**PARAMS, "w2": float("nan")})


def test_sensitivity_change_is_epsilon_times_gradient_to_second_order():
    errors = []
    for eps in (1e-1, 1e-2, 1e-3):
        s = lesson.sensitivity(0.5, 1.0, PARAMS, "w2", eps)
        assert s.predicted_change == pytest.approx(eps * lesson.chain(0.5, 1.0, PARAMS).gradients["w2"])
        errors.append(abs(s.actual_change - s.predicted_change))
    # Second order: ten times smaller ε, about a hundred times smaller error.
    assert errors[1] < errors[0] / 50 and errors[2] < errors[1] / 50
    with pytest.raises(ValueError, match="unknown parameter"):
        lesson.sensitivity(0.5, 1.0, PARAMS, "w9", 0.1)
    with pytest.raises(ValueError, match="non-zero"):
        lesson.sensitivity(0.5, 1.0, PARAMS, "w1", 0.0)


@pytest.mark.parametrize("name", lesson.CHAIN_PARAMETERS)
def test_chain_cost_curve_is_the_networks_cost_along_the_sweep(name):
    values, costs = lesson.chain_cost_curve(0.5, 1.0, PARAMS, name, span=1.0, n=21)
    assert values[10] == pytest.approx(PARAMS[name])
    assert costs[10] == pytest.approx(lesson.chain(0.5, 1.0, PARAMS).cost, rel=1e-14)
    quadratic = losses.get("quadratic")
    for i in (0, 7, 20):
        net = lesson.chain_network({**PARAMS, name: values[i]})
        assert costs[i] == pytest.approx(2 * cost(net, [[0.5]], [[1.0]], quadratic), rel=1e-13)
    assert costs[0] == pytest.approx(_chain_by_hand(0.5, 1.0, {**PARAMS, name: PARAMS[name] - 1.0}), rel=1e-13)


# ---------------------------------------------------------------------------


def test_mazur_values_rebuild_the_published_network():
    net, x, y = lesson.unflatten((2, 2, 2), lesson.MAZUR_VALUES, "sigmoid")
    np.testing.assert_array_equal(net.weights[0], [[0.15, 0.20], [0.25, 0.30]])
    np.testing.assert_array_equal(net.biases[1], [0.60, 0.60])
    np.testing.assert_array_equal(x, [0.05, 0.10])
    np.testing.assert_array_equal(y, [0.01, 0.99])
    assert lesson.flatten(net, x, y) == lesson.MAZUR_VALUES


@pytest.mark.parametrize("sizes", [(1, 1, 1), (2, 2, 2), (3, 5, 4, 2), (5, 5, 5, 5, 5, 5)])
def test_flatten_and_unflatten_round_trip_with_a_name_per_value(sizes):
    values = lesson.lesson_values(sizes, "tanh", seed=4)
    assert len(values) == lesson.n_values(sizes) == len(lesson.value_names(sizes))
    net, x, y = lesson.unflatten(sizes, values, "tanh")
    assert net.sizes == tuple(sizes)
    assert lesson.flatten(net, x, y) == values


def test_lesson_values_are_seeded_round_numbers():
    a = lesson.lesson_values((2, 3, 1), "sigmoid", seed=7)
    assert a == lesson.lesson_values((2, 3, 1), "sigmoid", seed=7)
    assert a != lesson.lesson_values((2, 3, 1), "sigmoid", seed=8)
    assert all(round(v, 2) == v for v in a)
    assert a[-1] == 1.0  # the first target is 1


@pytest.mark.parametrize("hidden, message", [
    ([], "1 to 4 hidden layers"), ([2, 2, 2, 2, 2], "1 to 4 hidden layers"),
    ([0], "hidden layer 1 is empty"), ([2, 6], "hidden layer 2 has 6 neurons"), (["x"], "whole numbers"),
])
def test_check_sizes_explains_what_is_wrong(hidden, message):
    with pytest.raises(ValueError, match=message):
        lesson.check_sizes(2, hidden, 1)


def test_check_sizes_rejects_empty_input_or_output_layers():
    with pytest.raises(ValueError, match="the input layer is empty"):
        lesson.check_sizes(0, [2], 1)
    with pytest.raises(ValueError, match="the output layer is empty"):
        lesson.check_sizes(2, [2], 0)
    assert lesson.check_sizes(2, [3, 4], 1) == (2, 3, 4, 1)


@pytest.mark.parametrize("cell, message", [
    (None, "is empty"), ("", "is empty"), ("  ", "is empty"), (float("nan"), "is empty"),
    ("abc", "not a number"), ("1,5", "not a number"), (5000.0, "too large"), (float("inf"), "too large"),
    ("-1e9", "too large"),
])
def test_bad_cells_give_a_message_naming_the_cell(cell, message):
    with pytest.raises(ValueError, match=message) as info:
        lesson.parse_number(cell, "w2[1,2]")
    assert "w2[1,2]" in str(info.value)


def test_good_cells_parse_including_a_typographic_minus():
    assert lesson.parse_number("−0.5", "x") == -0.5
    assert lesson.parse_number(" 3 ", "x") == 3.0
    assert lesson.parse_number(np.float64(2.5), "x") == 2.5


def test_unflatten_names_the_bad_value_and_checks_the_count():
    values = list(lesson.MAZUR_VALUES)
    values[7] = None
    with pytest.raises(ValueError, match=r"w3\[1,2\] is empty"):
        lesson.unflatten((2, 2, 2), values, "sigmoid")
    with pytest.raises(ValueError, match="needs 16 numbers, got 3"):
        lesson.unflatten((2, 2, 2), (1.0, 2.0, 3.0), "sigmoid")


# ---------------------------------------------------------------------------


def _mazur_walk(loss="quadratic", lr=0.5):
    net, x, y = lesson.unflatten((2, 2, 2), lesson.MAZUR_VALUES, "sigmoid")
    return net, x, y, lesson.walk(net, x, y, loss, lr)


def test_walk_equals_direct_network_calls():
    net, x, y, w = _mazur_walk("binary_crossentropy", 0.3)
    loss = losses.get("binary_crossentropy")
    trace = forward(net, [x])
    grads = backward(net, trace, [y], loss)
    assert w.n_layers == 3
    np.testing.assert_array_equal(w.a(2), trace.a[1][0])
    np.testing.assert_array_equal(w.z(3), trace.z[2][0])
    for l in (2, 3):
        np.testing.assert_array_equal(w.delta(l), grads.delta[l - 2][0])
        np.testing.assert_array_equal(w.dW(l), grads.dW[l - 2])
        np.testing.assert_array_equal(w.db(l), grads.db[l - 2])
    updated = sgd_step(net, grads, 0.3)
    for mine, theirs in zip(w.updated.weights, updated.weights):
        np.testing.assert_array_equal(mine, theirs)
    assert w.cost == cost(net, [x], [y], loss)
    assert w.updated_cost == cost(updated, [x], [y], loss)
    np.testing.assert_array_equal(w.grad_a, loss.gradient(np.array([y]), trace.a[-1])[0])


def test_walk_reproduces_mazurs_worked_example():
    _, _, _, w = _mazur_walk()
    assert w.cost == pytest.approx(0.298371109, abs=1e-9)
    assert w.dW(3)[0, 0] == pytest.approx(0.082167041, abs=1e-9)
    assert w.updated.weights[1][0, 0] == pytest.approx(0.35891648, abs=1e-8)
    assert w.updated.weights[0][0, 0] == pytest.approx(0.149780716, abs=1e-9)


def test_walk_rejects_bad_learning_rates_and_target_sizes():
    net, x, y = lesson.unflatten((2, 2, 2), lesson.MAZUR_VALUES, "sigmoid")
    with pytest.raises(ValueError, match="learning rate"):
        lesson.walk(net, x, y, "quadratic", 0.0)
    with pytest.raises(ValueError, match="target y has 1 entries"):
        lesson.walk(net, x, [1.0], "quadratic", 0.1)
    with pytest.raises(ValueError, match="unknown loss"):
        lesson.walk(net, x, y, "hinge", 0.1)


def test_bp1_latex_writes_the_hadamard_product_element_by_element():
    _, _, _, w = _mazur_walk()
    text = lesson.bp1_latex(w)
    for j in range(2):
        assert rf"{lesson.pfmt(w.grad_a[j])} \times {lesson.pfmt(w.sp(3)[j])}" in text
    assert text.endswith(lesson.bmatrix(w.delta(3)))
    assert r"\odot" in text


def test_bp2_bp3_bp4_and_update_latex_carry_the_networks_numbers():
    _, _, _, w = _mazur_walk()
    assert lesson.bmatrix(w.W(3).T) in lesson.bp2_latex(w, 2)
    assert lesson.bp2_latex(w, 2).endswith(lesson.bmatrix(w.delta(2)))
    assert lesson.bp3_latex(w, 3).endswith(lesson.bmatrix(w.db(3)))
    assert lesson.bp4_latex(w, 3).endswith(lesson.bmatrix(w.dW(3)))
    weights_line, biases_line = lesson.update_latex(w, 3)
    assert weights_line.endswith(lesson.bmatrix(w.updated.weights[1]))
    assert biases_line.endswith(lesson.bmatrix(w.updated.biases[1]))
    assert lesson.bmatrix(w.z(2)) in lesson.forward_latex(w, 2)


def test_cross_entropy_with_sigmoid_output_gives_delta_a_minus_y():
    _, _, y, w = _mazur_walk("binary_crossentropy")
    np.testing.assert_allclose(w.delta(3), w.a(3) - y, atol=1e-12)
    text = lesson.cross_entropy_shortcut(w)
    assert lesson.bmatrix(w.a(3) - y) in text
    assert lesson.cross_entropy_shortcut(_mazur_walk("quadratic")[3]) is None


def test_fmt_writes_latex_powers_and_handles_zero_and_negatives():
    assert lesson.fmt(0.0) == "0"
    assert lesson.fmt(0.298371109) == "0.2984"
    assert lesson.fmt(3.2e-7) == r"3.2 \times 10^{-7}"
    assert lesson.pfmt(-0.5) == "(-0.5)"
    assert lesson.bmatrix([1, 2]) == r"\begin{bmatrix}1 \\ 2\end{bmatrix}"


# ---------------------------------------------------------------------------


def test_gradient_check_rows_match_network_gradients_and_finite_differences():
    net, x, y = lesson.unflatten((2, 2, 2), lesson.MAZUR_VALUES, "sigmoid")
    rows = lesson.gradient_check(net, x, y, "quadratic")
    assert [r.name for r in rows] == lesson.value_names((2, 2, 2))[:12]
    grads = backward(net, forward(net, [x]), [y], losses.get("quadratic"))
    numeric = numerical_gradients(net, [x], [y], losses.get("quadratic"), 1e-6)
    assert rows[6].analytic == grads.dW[1][0, 0] and rows[6].numeric == numeric.dW[1][0, 0]
    assert rows[5].analytic == grads.db[0][1]
    assert max(r.relative_error for r in rows) < 1e-6


def test_train_repeats_sgd_step_and_records_every_parameter():
    net, x, y = lesson.unflatten((2, 2, 2), lesson.MAZUR_VALUES, "sigmoid")
    run = lesson.train(net, x, y, "quadratic", 0.5, 20)
    assert run.diverged_at is None
    assert run.costs.shape == (21,) and run.path.shape == (21, 12)
    assert run.costs[0] == pytest.approx(0.298371109, abs=1e-9)
    assert np.all(np.diff(run.costs) < 0)
    direct = net
    loss = losses.get("quadratic")
    for _ in range(20):
        direct = sgd_step(direct, backward(direct, forward(direct, [x]), [y], loss), 0.5)
    np.testing.assert_array_equal(run.path[-1], lesson.flatten(direct, [], []))
    assert run.costs[-1] == cost(direct, [x], [y], loss)
    assert run.names[0] == "w2[1,1]" and run.names[-1] == "b3[2]"


def test_train_reports_the_step_where_it_diverges_without_warnings():
    sizes = (2, 3, 1)
    acts = ("relu", "linear")
    net, x, y = lesson.unflatten(sizes, lesson.lesson_values(sizes, acts, 1), acts)
    run = lesson.train(net, x, y, "quadratic", 40.0, 500)
    assert run.diverged_at is not None and run.diverged_at > 1
    assert len(run.costs) == run.diverged_at
    assert np.all(np.isfinite(run.costs)) and np.all(np.isfinite(run.path))


def test_train_rejects_bad_step_counts():
    net, x, y = lesson.unflatten((2, 2, 2), lesson.MAZUR_VALUES, "sigmoid")
    with pytest.raises(ValueError, match="1 to 10,000 steps"):
        lesson.train(net, x, y, "quadratic", 0.5, 0)


# ---------------------------------------------------------------------------


def test_exercises_cover_every_kind_and_their_answers_are_the_networks_numbers():
    sizes = (2, 3, 2, 2)
    acts = ("tanh", "sigmoid", "sigmoid")
    net, x, y = lesson.unflatten(sizes, lesson.lesson_values(sizes, acts, 2), acts)
    w = lesson.walk(net, x, y, "quadratic", 0.5)
    kinds = set()
    for seed in range(40):
        ex = lesson.make_exercise(w, seed)
        kinds.add(ex.kind)
        assert ex.answer in set(np.concatenate([w.grads.delta[i][0] for i in range(3)] +
                                               [g.ravel() for g in w.grads.dW]).tolist())
        assert ex.symbol in ex.prompt and ex.solution[0].startswith(ex.symbol)
        assert ex.solution[-1].endswith(lesson.fmt(ex.answer, 6))
        assert lesson.make_exercise(w, seed) == ex
    assert kinds == set(lesson.EXERCISE_KINDS)


def test_check_answer_is_right_within_1e_3_and_wrong_outside():
    _, _, _, w = _mazur_walk()
    ex = lesson.make_exercise(w, 1)
    assert lesson.check_answer(ex, f"{ex.answer + 0.0009:.10f}").correct
    assert lesson.check_answer(ex, f"{ex.answer - 0.0009:.10f}").correct
    wrong = lesson.check_answer(ex, f"{ex.answer + 0.0011:.10f}")
    assert not wrong.correct and wrong.counts and "Not quite" in wrong.message and wrong.hint
    assert lesson.fmt(ex.answer, 3) not in wrong.message + wrong.hint  # a wrong try does not give the answer away
    bad = lesson.check_answer(ex, "one half")
    assert not bad.correct and not bad.counts and "not a number" in bad.message


@pytest.mark.parametrize("typed, value", [("0.5", 0.5), (" −0.25 ", -0.25), ("1e-3", 0.001), ("-.5", -0.5)])
def test_parse_answer_reads_decimals_and_a_typographic_minus(typed, value):
    assert lesson.parse_answer(typed) == value


@pytest.mark.parametrize("typed, message", [
    ("abc", "type a decimal"), ("1,5", "with a point"), ("nan", "finite"), ("-inf", "finite"),
    ("1_0", "type a decimal"), ("", "type a decimal"), ("9" * 41, "at most 40 characters"),
])
def test_parse_answer_refuses_what_is_no_number_and_says_why(typed, message):
    with pytest.raises(ValueError, match=message):
        lesson.parse_answer(typed)


def test_a_verdict_never_repeats_the_typed_text():
    _, _, _, w = _mazur_walk()
    ex = lesson.make_exercise(w, 0)
    for typed in ("<b>x</b>", "[a](http://example.invalid)"):
        verdict = lesson.check_answer(ex, typed)
        assert typed not in verdict.message and not verdict.counts


def _slip_values(ex):
    return sorted(slip.value for slip in ex.slips)


def test_weight_gradient_slips_are_each_factor_alone():
    net, x, y, w = _mazur_walk()
    ex = lesson.make_exercise(w, 0)  # ∂C/∂w³₂₁ = a²₁ δ³₂
    assert ex.kind == "weight gradient" and ex.symbol == r"\frac{\partial C}{\partial w^{3}_{21}}"
    trace = forward(net, [x])
    delta = backward(net, trace, [y], losses.get("quadratic")).delta[1][0][1]
    assert _slip_values(ex) == pytest.approx(sorted([trace.a[1][0][0], delta]), abs=1e-15)
    assert lesson.check_answer(ex, f"{delta:.5f}").hint == r"Your number is $\delta^{3}_{2}$ alone: the factor $a^{2}_{1}$ is missing."
    assert "$\\delta^{3}_{2}$ is missing" in lesson.check_answer(ex, f"{trace.a[1][0][0]:.5f}").hint


def test_output_delta_slips_are_the_products_missing_or_mistaking_one_factor():
    net, x, y, w = _mazur_walk()
    ex = lesson.make_exercise(w, 11)  # δ³₁ = (a − y) σ'(z) for the quadratic cost
    assert ex.kind == "output delta" and ex.symbol == r"\delta^{3}_{1}"
    a = forward(net, [x]).a[2][0][0]
    d, sp = a - y[0], a * (1 - a)  # the sigmoid's derivative by hand
    expected = [d, sp, d * a, -d * sp, 2 * d * sp]
    assert _slip_values(ex) == pytest.approx(sorted(expected), abs=1e-12)
    assert "the factor $\\sigma'(z^{3}_{1})$ is missing" in lesson.check_answer(ex, f"{d:.6f}").hint
    assert "twice the answer" in lesson.check_answer(ex, f"{2 * d * sp:.6f}").hint
    other_loss = lesson.make_exercise(lesson.walk(net, x, y, "binary_crossentropy", 0.5), 11)
    assert not any("twice" in slip.hint for slip in other_loss.slips)  # the stray 2 belongs to the quadratic cost


def test_hidden_delta_slips_include_the_row_of_w_for_its_column_when_w_is_square():
    net, x, y, w = _mazur_walk()
    ex = lesson.make_exercise(w, 1)  # δ²₂ = (Σₖ w³ₖ₂ δ³ₖ) σ'(z²₂)
    assert ex.kind == "hidden delta" and ex.symbol == r"\delta^{2}_{2}"
    trace = forward(net, [x])
    delta3 = backward(net, trace, [y], losses.get("quadratic")).delta[1][0]
    W3, a = net.weights[1], trace.a[1][0][1]
    back, sp = W3[0, 1] * delta3[0] + W3[1, 1] * delta3[1], a * (1 - a)
    row = (W3[1, 0] * delta3[0] + W3[1, 1] * delta3[1]) * sp
    assert _slip_values(ex) == pytest.approx(sorted([back, sp, back * a, row]), abs=1e-12)
    assert "row 2 of $W^{3}$" in lesson.check_answer(ex, f"{row:.6f}").hint
    sizes = (2, 3, 2, 1)  # W³ is 2 × 3: no row of it can stand for a column
    acts = ("sigmoid",) * 3
    net2, x2, y2 = lesson.unflatten(sizes, lesson.lesson_values(sizes, acts, 0), acts)
    w2 = lesson.walk(net2, x2, y2, "quadratic", 0.5)
    hidden = [e for e in (lesson.make_exercise(w2, seed) for seed in range(40)) if e.kind == "hidden delta"]
    assert hidden and all(not any("row" in slip.hint for slip in e.slips) for e in hidden)


def test_every_slip_of_every_exercise_gets_its_own_hint_and_other_numbers_the_method():
    sizes = (2, 3, 3, 2)
    acts = ("tanh", "relu", "sigmoid")
    net, x, y = lesson.unflatten(sizes, lesson.lesson_values(sizes, acts, 7), acts)
    for loss in ("quadratic", "binary_crossentropy"):
        w = lesson.walk(net, x, y, loss, 0.5)
        for seed in range(30):
            ex = lesson.make_exercise(w, seed)
            assert ex.slips and ex.method
            for i, slip in enumerate(ex.slips):
                apart = [abs(slip.value - other.value) > 2 * lesson.TOLERANCE for other in ex.slips[:i]]
                if abs(slip.value - ex.answer) > 2 * lesson.TOLERANCE and all(apart):
                    verdict = lesson.check_answer(ex, f"{slip.value:.9f}")
                    assert not verdict.correct and verdict.hint == slip.hint, (seed, slip)
            far = ex.answer + 0.5 + max(abs(slip.value) for slip in ex.slips)
            assert lesson.check_answer(ex, f"{far:.6f}").hint == ex.method


def test_a_slip_that_equals_the_answer_gives_no_hint():
    ex = lesson.Exercise("weight gradient", "g", "p", 0.5, (), slips=(
        lesson.Slip(0.5008, "a factor of 1 left out"), lesson.Slip(0.9, "other")), method="multiply")
    assert lesson.hint_for(ex, 0.5015) == "multiply"  # near the first slip, but that slip is the answer itself
    assert lesson.hint_for(ex, 0.9004) == "other"


def test_a_new_exercise_skips_the_seeds_that_ask_the_same_question():
    _, _, _, w = _mazur_walk()
    assert lesson.make_exercise(w, 2).prompt == lesson.make_exercise(w, 3).prompt  # both ∂C/∂w²₁₁
    assert lesson.next_exercise_seed(w, 2) == 4
    assert lesson.next_exercise_seed(w, 0) == 1
    for seed in range(20):
        after = lesson.next_exercise_seed(w, seed)
        assert after > seed and lesson.make_exercise(w, after).prompt != lesson.make_exercise(w, seed).prompt


# -- what the page shows, decided here -------------------------------------------------------------


def test_chain_table_and_cost_line_carry_the_chains_numbers():
    ch = lesson.chain(0.5, 1.0, PARAMS)
    table = lesson.chain_table(ch)
    assert list(table) == ["z", "a = σ(z)", "σ'(z)"]
    assert table["z"] == list(ch.z[1:]) and table["a = σ(z)"] == list(ch.a[1:])
    assert table["σ'(z)"] == list(ch.sigma_prime[1:])
    line = lesson.chain_cost_latex(ch)
    assert line.startswith(r"C_0 = (a^{(3)} - y)^2 = (") and line.endswith(f"= {lesson.fmt(ch.cost)}")
    assert lesson.fmt(ch.a[3]) in line


def test_sensitivity_latex_writes_the_change_above_its_prediction():
    sens = lesson.sensitivity(0.5, 1.0, PARAMS, "b2", 0.001)
    text = lesson.sensitivity_latex(sens)
    assert r"C_0(b_2 + \varepsilon) - C_0(b_2)" in text and r"\partial b_2" in text
    assert f"= {lesson.fmt(sens.actual_change, 6)} \\\\" in text  # the actual change ends the first line
    assert text.endswith(f"= {lesson.fmt(sens.predicted_change, 6)}" + r" \end{aligned}")
    assert f"{lesson.fmt(0.001)} \\times {lesson.pfmt(sens.gradient, 6)}" in text


def test_network_numbers_keep_stored_numbers_that_fit():
    built = lesson.network_numbers(2, [2], 2, ["tanh", "relu"], "sigmoid", lesson.MAZUR_VALUES, 7)
    assert built == lesson.NetworkNumbers((2, 2, 2), ("tanh", "sigmoid"), lesson.MAZUR_VALUES, None)
    net, x, y = lesson.unflatten((2, 2, 2), lesson.MAZUR_VALUES, ("tanh", "sigmoid"))
    walked, direct = built.walkthrough("quadratic", 0.5), lesson.walk(net, x, y, "quadratic", 0.5)
    assert walked.cost == direct.cost and lesson.flatten(walked.updated, x, y) == lesson.flatten(direct.updated, x, y)


def test_network_numbers_draw_from_the_seed_and_say_so_when_stored_numbers_do_not_fit():
    acts = ("tanh", "sigmoid")
    fresh = lesson.network_numbers(2, [4], 1, ["tanh"], "sigmoid", (), 5)
    assert fresh.sizes == (2, 4, 1) and fresh.values == lesson.lesson_values((2, 4, 1), acts, 5)
    assert fresh.note is None  # no numbers stored: the seed's are the network's, nothing to say
    misfit = lesson.network_numbers(2, [4], 1, ["tanh"], "sigmoid", lesson.MAZUR_VALUES, 5)
    assert misfit.values == fresh.values
    assert misfit.note == "The stored numbers do not fit a 2-4-1 network; drawn afresh from seed 5."


def test_network_numbers_refuse_a_shape_the_lesson_cannot_build():
    with pytest.raises(ValueError, match="hidden layer 1 is empty"):
        lesson.network_numbers(2, [0], 2, ["sigmoid"], "sigmoid", (), 0)


@pytest.mark.parametrize("sizes", [(1, 1, 1), (2, 2, 2), (3, 5, 4, 2), (5, 5, 5, 5, 5, 5)])
def test_editor_tables_hold_every_number_once_and_read_back_in_flatten_order(sizes):
    values = lesson.lesson_values(sizes, ("sigmoid",) * (len(sizes) - 1), 2)
    tables = lesson.editor_tables(sizes, values)
    assert [t.name for t in tables] == [str(l) for l in range(2, len(sizes) + 1)] + ["x", "y"]
    assert sum(len(t.cells) * len(t.columns) for t in tables) == len(values)
    assert tuple(lesson.from_tables(sizes, {t.name: t.cells for t in tables})) == values


def test_a_layer_table_is_w_with_b_as_its_last_column():
    net, x, y = lesson.unflatten((2, 2, 2), lesson.MAZUR_VALUES, "sigmoid")
    layer2, layer3, xs, ys = lesson.editor_tables((2, 2, 2), lesson.MAZUR_VALUES)
    assert layer2.caption == "layer 2: W2 (2 × 2) and b2" and layer2.columns == ("k=1", "k=2", "b")
    assert layer2.index == "j" and xs.index == "k" and ys.index == "j"
    np.testing.assert_array_equal(np.array(layer3.cells), np.column_stack([net.weights[1], net.biases[1]]))
    assert xs.cells == ((0.05,), (0.10,)) and ys.cells == ((0.01,), (0.99,))
    assert xs.caption == "input x and target y" and ys.caption is None  # x and y share one column


def test_an_edited_cell_lands_on_its_weight_and_a_cleared_one_is_named():
    sizes = (2, 3, 1)
    values = lesson.lesson_values(sizes, ("sigmoid", "sigmoid"), 0)
    cells = {t.name: [list(row) for row in t.cells] for t in lesson.editor_tables(sizes, values)}
    cells["2"][2][1] = 0.75  # row j = 3, column k = 2 of W2
    edited = lesson.from_tables(sizes, cells)
    assert edited[lesson.value_names(sizes).index("w2[3,2]")] == 0.75
    assert sum(a != b for a, b in zip(edited, values)) == 1
    cells["3"][0][3] = float("nan")  # the bias of the output neuron, cleared
    with pytest.raises(ValueError, match=r"b3\[1\] is empty"):
        lesson.unflatten(sizes, lesson.from_tables(sizes, cells), "sigmoid")


def test_editor_tables_refuse_numbers_that_do_not_fit_the_shape():
    with pytest.raises(ValueError, match="needs 16 numbers, got 3"):
        lesson.editor_tables((2, 2, 2), (0.1, 0.2, 0.3))


def test_the_steps_follow_each_other_and_the_update_starts_again():
    assert [lesson.next_stage(s) for s in lesson.STAGES] == [*lesson.STAGES[1:], "forward"]
    assert set(lesson.STAGE_TITLES) == set(lesson.STAGES)


def test_each_steps_equations_carry_the_passs_numbers():
    net, x, y = lesson.unflatten((2, 2, 2), lesson.MAZUR_VALUES, "sigmoid")
    w = lesson.walk(net, x, y, "quadratic", 0.5)
    quadratic = losses.get("quadratic")
    assert lesson.stage_latex(w, "forward") == (lesson.forward_latex(w, 2), lesson.forward_latex(w, 3),
                                                quadratic.latex + " = 0.298371")
    assert lesson.stage_latex(w, "output error") == (quadratic.gradient_latex, lesson.bp1_latex(w))
    assert lesson.stage_latex(w, "backpropagate") == (lesson.bp2_latex(w, 2),)
    assert lesson.stage_latex(w, "gradients") == (lesson.bp3_latex(w, 3), lesson.bp4_latex(w, 3),
                                                  lesson.bp3_latex(w, 2), lesson.bp4_latex(w, 2))
    update = lesson.stage_latex(w, "update")
    assert update[:4] == lesson.update_latex(w, 2) + lesson.update_latex(w, 3)
    assert update[4] == rf"C: 0.298371 \;\rightarrow\; {lesson.fmt(w.updated_cost, 6)}"
    with pytest.raises(ValueError, match="unknown step 'sideways'"):
        lesson.stage_latex(w, "sideways")


def _mazur_exercise(seed: int = 0) -> lesson.Exercise:
    net, x, y = lesson.unflatten((2, 2, 2), lesson.MAZUR_VALUES, "sigmoid")
    return lesson.make_exercise(lesson.walk(net, x, y, "quadratic", 0.5), seed)


def test_tries_are_counted_in_words():
    assert [lesson.tries_text(n) for n in (0, 1, 2)] == ["0 wrong tries", "1 wrong try", "2 wrong tries"]


def test_an_attempt_is_kept_for_its_exercise_and_starts_afresh_for_another():
    ex = _mazur_exercise(0)
    fresh = lesson.attempt_at(None, 0, ex)
    assert fresh == lesson.Attempt((0, ex.prompt))
    tried = lesson.judge(fresh, ex, "0.5").attempt
    assert lesson.attempt_at(tried, 0, ex) is tried
    assert lesson.attempt_at(tried, 1, ex) == lesson.Attempt((1, ex.prompt))  # another seed, same question
    assert lesson.attempt_at(tried, 4, _mazur_exercise(4)).tries == 0


def test_wrong_numbers_count_once_each_and_text_that_is_no_number_not_at_all():
    ex = _mazur_exercise(0)
    attempt = lesson.attempt_at(None, 0, ex)
    nothing = lesson.judge(attempt, ex, "  ")
    assert nothing.verdict is None and nothing.attempt == attempt and nothing.feedback("` `") is None
    first = lesson.judge(attempt, ex, "0.5")
    assert first.attempt.tries == 1 and first.attempt.last == "0.5" and not first.solved
    assert lesson.judge(first.attempt, ex, "0.5").attempt == first.attempt  # the same text again: no new try
    text = lesson.judge(first.attempt, ex, "abc")
    assert text.attempt == first.attempt and not text.verdict.counts
    second = lesson.judge(text.attempt, ex, "0.25")
    assert second.attempt.tries == 2
    right = lesson.judge(second.attempt, ex, f"{ex.answer:.6f}")
    assert right.solved and right.shows_solution and right.attempt.tries == 2


def test_feedback_says_right_wrong_or_not_a_number_with_the_typed_text_as_given():
    ex = _mazur_exercise(0)
    attempt = lesson.attempt_at(None, 0, ex)
    wrong = lesson.judge(attempt, ex, "0.5")
    note = wrong.feedback("`0.5`")
    assert note.kind == "error"
    assert note.message == (f"{wrong.verdict.message} You typed `0.5`; try again (1 wrong try so far)."
                            f"\n\n**Hint:** {ex.method}")
    assert not wrong.shows_solution
    assert lesson.judge(attempt, ex, "1,5").feedback("`1,5`") == lesson.Feedback(
        "warning", "You typed `1,5`. That is not a number: write decimals with a point, as in 0.0123. "
                   "It does not count as a try.")
    right = lesson.judge(attempt, ex, f"{ex.answer:.6f}").feedback("ignored")
    assert right.kind == "success" and right.message.startswith("Right: ") and "ignored" not in right.message


def test_asking_for_the_solution_shows_it_without_an_answer():
    ex = _mazur_exercise(0)
    asked = lesson.Attempt((0, ex.prompt), solution=True)
    assert lesson.judge(asked, ex, "").shows_solution
    assert not lesson.judge(lesson.Attempt((0, ex.prompt)), ex, "").shows_solution


def test_chain_products_run_from_the_last_neuron_back_to_the_first():
    ch = lesson.chain(0.5, 1.0, PARAMS)
    text = lesson.chain_products_latex(ch)
    lines = text.removeprefix(r"\begin{gathered}").removesuffix(r"\end{gathered}").split(r" \\[10pt] ")
    assert lines == [lesson.chain_product_latex(ch, name) for name in ("w3", "b3", "w2", "b2", "w1", "b1")]


def test_each_steps_diagram_shows_only_what_that_step_knows():
    from nnviz.charts import backprop as charts

    net, x, y = lesson.unflatten((2, 2, 2), lesson.MAZUR_VALUES, "sigmoid")
    w = lesson.walk(net, x, y, "quadratic", 0.5)
    carries_delta = {}
    for stage in lesson.STAGES:
        fig = charts.step_figure(w, stage).to_dict()
        assert fig["layout"]["title"]["text"] == lesson.STAGE_TITLES[stage]
        nodes = next(t for t in fig["data"] if t.get("mode") == "markers+text")["text"]
        carries_delta[stage] = ["δ" in text for text in nodes]
    assert carries_delta["forward"] == [False] * 6 and carries_delta["update"] == [False, False] + [True] * 4
    assert carries_delta["output error"] == [False] * 4 + [True, True]  # only δᴸ is known yet
    assert carries_delta["backpropagate"] == carries_delta["gradients"] == [False, False] + [True] * 4
    exercise = charts.exercise_figure(w).to_dict()
    assert not any("δ" in text for t in exercise["data"] if t.get("mode") == "markers+text" for text in t["text"])
