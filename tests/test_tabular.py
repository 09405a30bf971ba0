"""CSV checks with messages naming the line or column, exploration numbers, preparation, evaluation."""

import gzip

import numpy as np
import pandas as pd
import pytest

from nnviz import tabular

GOOD = b"age,income,city,label\n30,1000,Oslo,yes\n40,2000,Bergen,no\n50,,Oslo,yes\n60,4000,Bergen,no\n"


def test_a_good_csv_is_read_with_numeric_and_text_columns():
    table = tabular.read_csv(GOOD, "people.csv")
    assert list(table.frame.columns) == ["age", "income", "city", "label"]
    assert table.frame["age"].tolist() == [30.0, 40.0, 50.0, 60.0]
    assert np.isnan(table.frame["income"][2])
    assert table.frame["city"].tolist() == ["Oslo", "Bergen", "Oslo", "Bergen"]
    assert table.notes == ()


@pytest.mark.parametrize("data, message", [
    (b"", "is empty"),
    (b"   \n\n", "is empty"),
    (b"a,b,c\n", "header (3 columns) but no data rows"),
    (b"a,b,c\n1,2,3\n4,5\n", "line 3 has 2 fields but the header has 3"),
    (b"a,b,c\n1,2,3\n4,5,6,7\n", "line 3 has 4 fields"),
    (b"a,b\n" + b"".join(f"{i},{i}\n".encode() for i in range(30)) + b"x7,1\n", "column 'a' is numeric but line 32 holds the text 'x7'"),
    (b"a,b\n1,2\ninf,3\n", "column 'a' holds 'inf' on line 3"),
    (b"a,b\n1,2\n3,-Infinity\n", "column 'b' holds '-Infinity' on line 3"),
    (b"a,,c\n1,2,3\n", "column 2 has no name"),
    (b"a,b,a\n1,2,3\n", "'a' appears twice (columns 1 and 3)"),
    (b"PK\x03\x04\x00\x00binary", "binary file"),
    (b"a,\"b\n1,2\n", "line"),
])
def test_every_bad_file_gets_a_message_naming_the_line_or_column(data, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        tabular.read_csv(data, "bad.csv")


def test_caps_on_size_columns_and_rows():
    with pytest.raises(ValueError, match="limit is 5 MB"):
        tabular.read_csv(b"a\n" + b"1\n" * (3 * 2**20), "big.csv")
    with pytest.raises(ValueError, match="201 columns; the limit is 200"):
        tabular.read_csv((",".join(f"c{i}" for i in range(201)) + "\n" + ",".join("1" * 201) + "\n").encode())
    with pytest.raises(ValueError, match="200,001 rows; the limit is 200,000"):
        tabular.read_csv(b"a\n" + b"1\n" * 200_001)


def test_latin1_file_is_read_and_the_note_names_the_line():
    table = tabular.read_csv("name,n\nabc,1\nJosé,2\n".encode("latin-1"), "l1.csv")
    assert table.frame["name"].tolist() == ["abc", "José"]
    assert "not UTF-8" in table.notes[0] and "line 3" in table.notes[0] and "latin-1" in table.notes[0]


@pytest.mark.parametrize("sep, word", [(";", "semicolons"), ("\t", "tabs"), ("|", "pipes")])
def test_other_delimiters_are_detected_and_said(sep, word):
    table = tabular.read_csv(f"a{sep}b\n1{sep}2\n3{sep}4\n".encode())
    assert table.frame["b"].tolist() == [2.0, 4.0]
    assert word in table.notes[0]


def test_target_checks_one_class_too_many_classes_text_regression():
    frame = pd.DataFrame({"x": range(400), "one": ["a"] * 400, "id": [f"id{i}" for i in range(400)],
                          "y3": [i % 3 for i in range(400)]})
    with pytest.raises(ValueError, match="single class"):
        tabular.check_target(frame, "one", "binary")
    with pytest.raises(ValueError, match="400 classes; at most 50"):
        tabular.check_target(frame, "id", "multiclass")
    with pytest.raises(ValueError, match="holds text"):
        tabular.check_target(frame, "id", "regression")
    with pytest.raises(ValueError, match="needs 2 classes, but 'y3' has 3"):
        tabular.check_target(frame, "y3", "binary")
    assert tabular.detect_task(frame["y3"]) == "multiclass"
    assert tabular.detect_task(frame["x"] * 0.5) == "regression"
    assert tabular.detect_task(pd.Series(["no", "yes", "no"])) == "binary"


def test_loan_file_is_small_and_has_the_project_columns():
    assert tabular.LOAN_FILE.stat().st_size < 2e6
    table = tabular.load("loan_default")
    frame = table.frame
    assert 19_000 <= len(frame) <= 21_000
    share = (frame.loan_status == "Charged Off").mean()
    assert 0.15 < share < 0.25
    kinds = tabular.column_kinds(frame, "loan_status")
    assert kinds["earliest_cr_line"] == "date" and kinds["grade"] == "category" and kinds["zip_code"] == "category"
    assert frame.zip_code.str.len().eq(5).all()  # zip codes keep leading zeros
    overview = tabular.explore(frame, "loan_status", "binary")
    assert set(overview.missing.column) >= {"mort_acc", "emp_length", "revol_util"}
    row = overview.missing.set_index("column").loc["mort_acc"]
    assert row.percent == pytest.approx(100 * frame.mort_acc.isna().mean())
    assert overview.class_counts.to_dict() == frame.loan_status.value_counts().to_dict()


def test_loan_generator_is_seeded(tmp_path):
    from scripts.make_loan_data import main

    main(["--rows", "300", "--out", str(tmp_path / "a.csv.gz")])
    main(["--rows", "300", "--out", str(tmp_path / "b.csv.gz")])
    assert (tmp_path / "a.csv.gz").read_bytes() == (tmp_path / "b.csv.gz").read_bytes()
    assert gzip.decompress((tmp_path / "a.csv.gz").read_bytes()).startswith(b"loan_amnt,term,int_rate")


def test_group_mean_fill_uses_the_training_rows_group_means():
    frame = pd.DataFrame({"total": [1, 1, 1, 2, 2, 2] * 5, "mort": [1.0, 3.0, np.nan, 10.0, 20.0, np.nan] * 5,
                          "label": ["a", "b"] * 15})
    steps = tabular.FrameSteps(group_fills=(("mort", "total"),)).fit(frame)
    filled = steps.transform(frame)
    assert filled.mort.tolist()[:6] == [1.0, 3.0, 2.0, 10.0, 20.0, 15.0]


def test_date_strings_become_years():
    frame = pd.DataFrame({"d": ["Aug-2005", "May-1965", None]})
    out = tabular.FrameSteps(date_columns=("d",)).fit(frame).transform(frame)
    assert out.d.tolist()[:2] == [2005.0, 1965.0] and np.isnan(out.d[2])


def test_prepare_loan_is_stratified_filled_encoded_and_scaled():
    table = tabular.load("loan_default")
    spec = tabular.PrepSpec(fills=(("mort_acc", "group_mean:total_acc"), ("emp_length", "drop_column")),
                            test_fraction=0.25, seed=3)
    prepared = tabular.prepare(table.frame, "loan_status", "binary", spec)
    assert prepared.class_names == ("Charged Off", "Fully Paid")
    assert prepared.X_train.shape[0] == 15_000 and prepared.X_test.shape[0] == 5_000
    assert not np.isnan(prepared.X_train).any() and not np.isnan(prepared.X_test).any()
    assert prepared.X_train.min() == 0 and prepared.X_train.max() == 1  # MinMaxScaler on train, one-hot 0/1
    assert "grade_A" in prepared.feature_names and "earliest_cr_line" in prepared.feature_names
    assert not any(n.startswith("emp_length") for n in prepared.feature_names)
    # Stratified: the charged-off share is the same in train and test to within one row.
    assert abs(prepared.y_train.mean() - prepared.y_test.mean()) < 1e-3
    # The fitted pipeline reproduces the test matrix from the raw rows.
    np.testing.assert_allclose(prepared.pipeline.transform(prepared.raw_test), prepared.X_test, rtol=1e-6)


def test_prepare_bad_choices_are_refused_with_a_message():
    table = tabular.load("iris")
    with pytest.raises(ValueError, match="test fraction"):
        tabular.prepare(table.frame, "target", "multiclass", tabular.PrepSpec(test_fraction=0.9))
    with pytest.raises(ValueError, match="no feature column named 'nope'"):
        tabular.prepare(table.frame, "target", "multiclass", tabular.PrepSpec(fills=(("nope", "mean"),)))


def test_evaluate_binary_and_regression_against_hand_counts():
    y = np.array([0, 0, 1, 1])
    scores = np.array([0.1, 0.6, 0.4, 0.9])
    ev = tabular.evaluate("binary", y, scores[:, None], ("neg", "pos"))
    assert ev.confusion.tolist() == [[1, 1], [1, 1]]
    assert ev.metrics["accuracy"] == 0.5 and ev.roc[2] == pytest.approx(0.75)
    assert ev.report.loc["pos", "precision"] == 0.5 and ev.report.loc["pos", "support"] == 2
    ev = tabular.evaluate("regression", np.array([1.0, 2.0]), np.array([[1.5], [2.0]]))
    assert ev.metrics["MSE"] == pytest.approx(0.125) and ev.metrics["MAE"] == pytest.approx(0.25)
    with pytest.raises(ValueError, match="diverged"):
        tabular.evaluate("regression", np.array([1.0]), np.array([[np.nan]]))


def test_baseline_loss_is_the_loss_of_predicting_the_average():
    assert tabular.baseline_loss("regression", np.array([1.0, 3.0])) == 1.0
    assert tabular.baseline_loss("binary", np.array([0, 1, 0, 1])) == pytest.approx(np.log(2))
    assert tabular.baseline_loss("multiclass", np.array([0, 1, 2])) == pytest.approx(np.log(3))


def test_an_empty_feature_column_is_left_out_with_a_note_naming_it():
    rows = "".join(f"{i},,{i % 2}\n" for i in range(60))
    table = tabular.read_csv(("x,empty,t\n" + rows).encode(), "gaps.csv")
    prepared = tabular.prepare(table.frame, "t", "binary", tabular.PrepSpec(seed=0))
    assert prepared.X_train.shape[1] == 1
    assert "The column 'empty' has no values: it was left out." in prepared.notes
    only_empty = tabular.read_csv(("empty,t\n" + "".join(f",{i % 2}\n" for i in range(60))).encode(), "e.csv")
    with pytest.raises(ValueError, match="no feature column has any value: 'empty' is empty"):
        tabular.prepare(only_empty.frame, "t", "binary", tabular.PrepSpec(seed=0))


def test_whole_number_labels_detected_as_regression_are_said_with_the_column():
    labels = pd.Series(np.arange(60) % 45 + 5, dtype=float)
    assert tabular.detect_task(labels) == "regression"
    note = tabular.task_note(labels, "grade", "regression")
    assert "'grade' holds 45 different whole numbers (5.0 to 49.0)" in note and "multiclass" in note
    assert tabular.task_note(pd.Series([0.5, 1.5, 2.25]), "price", "regression") is None
    assert tabular.task_note(labels, "grade", "multiclass") is None


def test_a_single_class_target_is_named_in_the_students_words():
    frame = pd.DataFrame({"a": np.arange(20.0), "target": np.ones(20)})
    with pytest.raises(ValueError) as error:
        tabular.check_target(frame, "target", "binary")
    assert "the target column 'target' has a single class (1.0)" in str(error.value)
    assert "np." not in str(error.value)


def test_messages_name_numpy_values_as_plain_numbers_and_words():
    # A table built in code (or a bundled data set) holds NumPy scalars: a message shows the value, not its repr.
    frame = pd.DataFrame({"a": np.arange(20.0), "t": pd.Series([np.str_("low"), np.str_("high")] * 10, dtype=object)})
    messages = []
    for target, task in ((np.float64(1.5), "binary"), ("t", "regression"), ("t", np.str_("ranking"))):
        with pytest.raises(ValueError) as error:
            tabular.check_target(frame, target, task)
        messages.append(str(error.value))
    assert messages[0].startswith("there is no column '1.5'")
    assert "holds text (e.g. 'low')" in messages[1]
    assert messages[2].startswith("unknown task 'ranking'")
    with pytest.raises(ValueError) as error:
        tabular.prepare(frame, "t", "binary", tabular.PrepSpec(fills=((np.str_("nope"), "mean"),)))
    messages.append(str(error.value))
    assert "no feature column named 'nope'" in messages[-1]
    assert not any("np." in m or "float64" in m or "str_(" in m for m in messages), messages


def test_the_formulas_beside_the_evaluation_charts_carry_the_models_numbers():
    y = np.array([0, 0, 1, 1])
    ev = tabular.evaluate("binary", y, np.array([[0.1], [0.6], [0.4], [0.9]]), ("neg", "pos"))
    latex = tabular.formulas(ev)
    assert set(latex) == {"confusion", "roc"}
    assert latex["confusion"].endswith(r"\frac{2}{4} = 0.500")  # the trace (correct answers) over all test rows
    assert r"\frac{TP}{TP + FN}" in latex["roc"] and latex["roc"].endswith("= 0.750")
    ev = tabular.evaluate("regression", np.array([1.0, 2.0, 4.0]), np.array([[1.5], [2.0], [2.0]]))
    latex = tabular.formulas(ev)
    assert set(latex) == {"predicted", "residuals"}
    assert latex["predicted"].endswith(r"= 0.833 \quad (n = 3)")  # (0.5 + 0 + 2) / 3
    assert latex["residuals"].endswith(f"= {np.sqrt((0.25 + 4) / 3):.3f}")
    assert not any("np." in text for text in latex.values())


def test_missing_value_choices_have_a_link_form_that_reads_back():
    defaults = {"mort_acc": "group_mean:total_acc", "a=b": "median", "x;y": "median"}
    chosen = {"mort_acc": "median", "a=b": "mean", "x;y": "mean"}
    text = tabular.fills_text(chosen, defaults)
    assert text == "mort_acc=median;a=b=mean"  # a column whose name holds ";" cannot be written
    assert tabular.parse_fills(text) == {"mort_acc": "median", "a=b": "mean"}
    assert tabular.fills_text(defaults, defaults) == ""


def _gapped():
    """A small table with gaps in a number column and a text column."""
    frame = pd.DataFrame({"total_acc": [1.0, 2, 3, 4, 5, 6, 7, 8], "mort_acc": [1.0, None, 3, None, 5, 6, 7, 8],
                          "grade": ["A", "B", None, "A", "B", "A", None, "B"], "y": [0, 1] * 4})
    return tabular.gaps(frame, "y")


def test_chosen_fills_take_a_pick_a_column_offers_and_say_one_it_does_not():
    gaps = _gapped()
    assert gaps["mort_acc"][0] == "group_mean:total_acc" and gaps["grade"][0] == "most_frequent"
    fills, problems = tabular.chosen_fills(gaps, {"mort_acc": "median", "grade": "median", "elsewhere": "mean"})
    assert fills == {"mort_acc": "median", "grade": "most_frequent"}  # the text column has no median
    assert problems == ("'grade' offers no fill 'median' (its choices: most_frequent, drop_rows, drop_column); "
                        "most_frequent is used.",)
    assert tabular.chosen_fills(gaps, {}) == ({"mort_acc": "group_mean:total_acc", "grade": "most_frequent"}, ())


def test_the_fill_table_has_a_row_per_column_with_gaps_and_every_offered_fill_once():
    gaps = _gapped()
    table = tabular.fill_table(gaps, {"mort_acc": "mean", "grade": "drop_rows"})
    assert table.column.tolist() == ["mort_acc", "grade"] and table.fill.tolist() == ["mean", "drop_rows"]
    assert table.missing.tolist() == ["25.0 %", "25.0 %"]
    assert table.choices.tolist() == [", ".join(gaps["mort_acc"][1]), "most_frequent, drop_rows, drop_column"]
    options = tabular.fill_options(gaps)
    assert options == [*tabular.FILLS, "group_mean:total_acc"] and len(set(options)) == len(options)


def test_a_wide_csv_is_read_into_one_unfragmented_frame():
    header = ",".join(f"c{i}" for i in range(150))
    rows = "".join(",".join("" if (i + j) % 9 == 0 else str(i * j) for j in range(150)) + "\n" for i in range(20))
    frame = tabular.read_csv(f"{header}\n{rows}".encode()).frame
    assert frame.shape == (20, 150) and frame._mgr.nblocks == 1  # one block of floats, not 150 pieces
    assert np.isnan(frame.loc[0, "c0"]) and frame.loc[1, "c1"] == 1.0
