"""The Keras page in AppTest: opens ready to train; data -> prepare -> build -> train -> evaluate; every bad CSV."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nnviz import tabular
from nnviz.keras import model as km
from nnviz.keras.runs import RunStore

pytestmark = pytest.mark.tensorflow

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "lessons" / "keras_training.py")


def _text(markdown):
    """What the reader sees of a message: Markdown's backslash escapes (user text is escaped) removed."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u200b", "")


def _open(**settings):
    at = AppTest.from_file(PAGE, default_timeout=180)
    for name, value in settings.items():
        at.query_params[name] = str(value)
    return at.run()


def _frame(at, column):
    """The first table on the page with this column (AppTest's dataframes carry no key)."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a {column!r} column")


def _latex(element):
    """A formula's LaTeX without the display-math fence Streamlit wraps it in."""
    return element.value.strip().removeprefix("$$").removesuffix("$$").strip()


def _chart(at, title_part):
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        title = spec["layout"].get("title", {})
        words = (f"{title.get('text', '')} {title.get('subtitle', {}).get('text', '')}" if isinstance(title, dict)
                 else str(title))  # the title and its second line
        if title_part in words:
            return spec
    raise AssertionError(f"no chart titled with {title_part!r}")


def test_page_opens_ready_to_train_with_code_summary_and_a_loss_chart():
    at = _open()
    assert not at.exception and not at.error
    labels = [b.label for b in at.button]
    assert "Train" in labels and "Stop" in labels
    spec = _chart(at, "loss")
    assert "loss" in spec["layout"]["title"]["text"].lower()
    code = at.code[0].value
    assert "keras.Sequential" in code and 'layers.Dense(1, activation="sigmoid")' in code
    assert "EarlyStopping(monitor=\"val_loss\", patience=5" in code and "set_random_seed(42)" in code
    summary = _frame(at, "parameters")
    assert summary.type.tolist() == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    n_features = int(code.split("keras.Input(shape=(")[1].split(",")[0])
    assert summary.parameters.sum() == (n_features * 32 + 32) + (32 * 16 + 16) + (16 + 1)
    assert any(f"{summary.parameters.sum():,}" in _text(m.value) for m in at.markdown)


def test_flow_iris_prepare_build_train_evaluate_and_store_the_run():
    at = _open(data="iris", epochs=3, batch_size=16, layers="6", dropout=0.0)
    assert not at.exception
    at.slider(key="keras.test_fraction").set_value(0.3).run()
    assert "keras.Input(shape=(4,))" in at.code[0].value and "softmax" in at.code[0].value
    at.button(key="keras.train").click().run()
    assert not at.exception, at.exception
    status = " ".join(_text(m.value) for m in at.markdown)
    assert "3 epochs" in status
    live = _chart(at, "Training vs validation loss")
    names = [trace["name"] for trace in live["data"]]
    assert "training loss" in names and "validation loss" in names
    train_trace = next(t for t in live["data"] if t["name"] == "training loss")
    assert train_trace["x"] == [1, 2, 3]
    # The run on disk holds the same history the chart shows.
    runs = RunStore().list()
    assert len(runs) == 1 and runs[0].config["data"] == "iris"
    assert at.session_state["keras.box"]["my_runs"] == [runs[0].name]  # the loss-curve page lists it first
    history, _ = RunStore().history(runs[0].name)
    np.testing.assert_allclose(history["loss"], train_trace["y"])
    # Evaluation on the test split: 45 rows, 3 classes.
    assert any("accuracy" in _text(m.value) for m in at.markdown)
    report = _frame(at, "precision")
    assert report.loc["weighted avg", "support"] == 45
    confusion = _chart(at, "Confusion matrix")
    matrix = np.array(confusion["data"][0]["z"])
    assert matrix.sum() == 45
    # Beside it, accuracy as the matrix's trace over its total, with this run's numbers.
    accuracy = next(_latex(l) for l in at.latex if r"\operatorname{tr} M" in l.value)
    assert accuracy.endswith(rf"\frac{{{int(np.trace(matrix))}}}{{45}} = {np.trace(matrix) / 45:.3f}")
    assert at.info and any(word in at.info[0].value for word in ("Underfitting", "Still improving", "Good fit",
                                                                  "Only", "Overfitting"))


def test_a_diverging_preset_is_named_and_its_evaluation_refused_in_words():
    at = _open()
    at.button(key="keras.preset.η too high").click().run()
    at.slider(key="keras.epochs").set_value(4).run()
    assert "linear" in at.code[0].value and "SGD(learning_rate=1.0)" in at.code[0].value
    at.button(key="keras.train").click().run()
    assert not at.exception
    assert any("Diverged" in _text(i.value) for i in at.info)
    # After divergence the evaluation is refused in words, not drawn as a NaN chart.
    assert any("diverged" in _text(e.value) for e in at.error)
    at.button(key="keras.preset.reset").click().run()
    assert at.selectbox(key="keras.data").value == "loan_default"


def test_diabetes_regression_evaluation_charts_and_runs_overlaid():
    at = _open(data="diabetes", epochs=2, layers="4", dropout=0.0, early_stopping=0)
    at.button(key="keras.train").click().run()
    assert not at.exception
    spec = _chart(at, "Predicted vs actual")
    assert len(spec["data"][1]["x"]) == 89  # 20 % of 442 rows
    # The chart's points are the evaluation's: across, each test row's target; up, the model's output for it.
    outcome = at.session_state["keras.trainings"].outcome
    evaluation = outcome.evaluation
    assert evaluation.task == "regression" and len(evaluation.y_true) == 89
    np.testing.assert_array_equal(spec["data"][1]["x"], evaluation.y_true)
    np.testing.assert_array_equal(spec["data"][1]["y"], evaluation.y_pred)
    # And those are the data set's targets and the stored model's outputs for the test rows, independently.
    rows = outcome.raw_test
    table = tabular.load("diabetes").frame
    actual = rows.merge(table, on=list(rows.columns), how="left")["target"]
    assert actual.notna().all()
    np.testing.assert_allclose(spec["data"][1]["x"], actual)
    reloaded = km.load_model(RunStore(), outcome.run)
    predicted = km.predict_rows(reloaded, km.load_pipeline(RunStore(), outcome.run), rows).ravel()
    np.testing.assert_allclose(spec["data"][1]["y"], predicted, rtol=1e-5)
    assert not np.allclose(predicted, actual)  # two epochs: far from the diagonal, which spans both
    diagonal = spec["data"][0]
    span = [min(actual.min(), predicted.min()), max(actual.max(), predicted.max())]
    assert diagonal["x"] == diagonal["y"] == pytest.approx(span, rel=1e-6)
    _chart(at, "Residuals")
    # Beside the charts, the error measures with this run's numbers.
    mae = next(_latex(l) for l in at.latex if r"\text{MAE}" in l.value)
    assert f"= {evaluation.metrics['MAE']:.3f}" in mae and "(n = 89)" in mae
    rmse = next(_latex(l) for l in at.latex if r"\text{RMSE}" in l.value)
    assert rmse.endswith(f"= {np.sqrt(evaluation.metrics['MSE']):.3f}")
    at.text_input(key="keras.run_name").input("second try").run()
    at.button(key="keras.train").click().run()
    overlay = _chart(at, "smoothed (0.00) over the raw curve")
    assert {"diabetes-4 train", "second-try train"} <= {t["name"] for t in overlay["data"]}


GOOD = b"a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,10,x\n11,12,y\n13,14,x\n15,16,y\n17,18,x\n19,20,y\n21,22,x\n"


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"a,b,c\n", "no data rows"),
    (b"a,b,c\n1,2,3\n4,5\n", "line 3 has 2 fields"),
    (b"a,b\n" + b"".join(f"{i},{i}\n".encode() for i in range(30)) + b"oops,1\n", "line 32 holds the text 'oops'"),
    (b"a,b\n1,2\ninf,3\n", "column 'a' holds 'inf' on line 3"),
    (b"a,a\n1,2\n", "appears twice"),
    (b"\x00\x01binary", "binary file"),
    (b"a,b\n" + b"1,2\n" * 1_400_000, "limit is 5 MB"),
])
def test_every_bad_csv_shows_its_message(content, message):
    at = _open(data="upload a CSV")
    at.file_uploader(key="keras.upload").upload("bad.csv", content, "text/csv").run()
    assert not at.exception
    assert any(message in _text(e.value) for e in at.error), [_text(e.value) for e in at.error]


def test_upload_target_checks_and_notes():
    at = _open(data="upload a CSV")
    one_class = b"a,t\n" + b"".join(f"{i},same\n".encode() for i in range(20))
    at.file_uploader(key="keras.upload").upload("one.csv", one_class, "text/csv").run()
    assert any("single class" in _text(e.value) for e in at.error)

    at = _open(data="upload a CSV")
    many = b"a,t\n" + b"".join(f"{i},c{i}\n".encode() for i in range(300))
    at.file_uploader(key="keras.upload").upload("many.csv", many, "text/csv").run()
    assert any("300 classes" in _text(e.value) for e in at.error)

    at = _open(data="upload a CSV")
    at.file_uploader(key="keras.upload").upload("semi.csv", GOOD.replace(b",", b";"), "text/csv").run()
    assert not at.exception and not at.error
    assert any("semicolons" in _text(w.value) for w in at.warning)
    assert at.selectbox(key="keras.target").value == "label"
    assert "sigmoid" in at.code[0].value  # two classes: detected binary

    at = _open(data="upload a CSV")
    at.file_uploader(key="keras.upload").upload("l1.csv", "name,v\nJosé,1\nAna,2\n".encode("latin-1") * 1,
                                                "text/csv").run()
    assert any("latin-1" in _text(w.value) for w in at.warning)


def test_uploaded_csv_trains_with_the_chosen_target_and_task():
    at = _open(data="upload a CSV", epochs=2, layers="3", dropout=0.0)
    at.file_uploader(key="keras.upload").upload("good.csv", GOOD, "text/csv").run()
    at.selectbox(key="keras.target").set_value("b").run()
    at.selectbox(key="keras.task").set_value("regression").run()
    assert 'layers.Dense(1, activation="linear")' in at.code[0].value
    at.button(key="keras.train").click().run()
    assert not at.exception and any("2 epochs" in _text(m.value) for m in at.markdown)


def test_loan_project_answers_would_this_applicant_repay():
    from nnviz.keras import model as km

    at = _open(epochs=1, layers="8", dropout=0.0, early_stopping=0, batch_size=256)
    at.button(key="keras.train").click().run()
    assert not at.exception
    roc = _chart(at, "ROC curve")
    auc = next(_latex(l) for l in at.latex if r"\text{AUC}" in l.value)
    assert r"\text{TPR} = \frac{TP}{TP + FN}" in auc and auc.endswith(roc["layout"]["title"]["text"].split("= ")[1])
    at.number_input(key="keras.applicant").set_value(7).run()
    answer = next(_text(m.value) for m in at.markdown if "P(Fully Paid)" in _text(m.value))
    outcome = at.session_state["keras.trainings"].outcome
    expected = float(km.predict_rows(outcome.model, outcome.prepared.pipeline, outcome.raw_test.iloc[[7]])[0, 0])
    assert f"P(Fully Paid) = {expected:.2f}" in answer
    assert outcome.class_names[int(outcome.prepared.y_test[7])] in answer


def _fills(at):
    """The missing-value table's key, and each column's fill as the table shows it."""
    editor = next(e for e in at.data_editor if e.key and e.key.startswith("keras.fills."))
    return editor.key, dict(zip(editor.value.column, editor.value.fill))


def _pick(at, picks: dict):
    """Pick fills in the table's cells, as a student does in the browser (every pick since the table was drawn)."""
    key, fills = _fills(at)
    rows = list(fills)
    at.session_state[key] = {"edited_rows": {rows.index(column): {"fill": fill} for column, fill in picks.items()},
                             "added_rows": [], "deleted_rows": []}
    return at.run()


def test_missing_value_choices_are_one_table_in_the_link_and_reset_with_the_page():
    at = _open()
    assert len([e for e in at.data_editor if e.key.startswith("keras.fills.")]) == 1
    assert not [b for b in at.selectbox if b.key and b.key.startswith("keras.fill")]  # no select box per column
    assert _fills(at)[1]["mort_acc"] == "group_mean:total_acc" and "fills" not in at.query_params
    _pick(at, {"mort_acc": "median", "emp_length": "drop_rows"})
    assert not at.exception
    link = at.query_params["fills"]
    assert sorted(link.split(";")) == ["emp_length=drop_rows", "mort_acc=median"]
    # The choice reaches the preparation: the rows with a gap in emp_length are dropped, and said.
    assert any("rows with gaps in emp_length were dropped" in _text(i.value) for i in at.info)

    # The link opens the same choices in a new session; an unknown column or choice is ignored.
    again = _open(fills=link + ";mort_acc_typo=mean;revol_util=not_a_fill")
    assert not again.exception and not again.error
    fills = _fills(again)[1]
    assert fills["mort_acc"] == "median" and fills["emp_length"] == "drop_rows"
    assert fills["revol_util"] == "group_mean:total_acc"
    assert sorted(again.query_params["fills"].split(";")) == ["emp_length=drop_rows", "mort_acc=median"]

    again.button(key="keras.preset.reset").click().run()
    assert _fills(again)[1]["mort_acc"] == "group_mean:total_acc" and "fills" not in again.query_params


def test_a_fill_a_column_does_not_offer_is_said_and_its_own_is_used():
    at = _open()
    own = _fills(at)[1]["emp_length"]  # a column of text: no median
    _pick(at, {"emp_length": "median", "mort_acc": "mean"})
    assert not at.exception
    warning = next(_text(w.value) for w in at.warning if "offers no fill" in _text(w.value))
    assert warning.startswith("'emp_length' offers no fill 'median'") and warning.endswith(f"{own} is used.")
    assert at.query_params["fills"] == "mort_acc=mean"


def test_a_data_set_without_gaps_keeps_no_fill_choices_in_the_link():
    at = _open(fills="mort_acc=median")
    at.selectbox(key="keras.data").set_value("iris").run()
    assert not at.exception and "fills" not in at.query_params


def test_markdown_in_a_link_value_is_shown_as_text_not_as_a_link():
    from markdown_it import MarkdownIt

    at = _open(layers="[Your session expired](http://example.invalid)")
    assert not at.exception
    message = next(e.value for e in at.error if "cannot read the layer" in _text(e.value))
    assert "[Your session expired](http://example.invalid)" in _text(message)
    assert "<a " not in MarkdownIt("commonmark").render(message)


def test_a_csv_header_with_markdown_is_shown_as_text_in_the_table_and_messages():
    from markdown_it import MarkdownIt

    header = "[Your session expired](http://example.invalid)"
    rows = "".join(f"{'' if i % 3 == 0 else i},{i % 2}\n" for i in range(40))
    at = _open(data="upload a CSV")
    at.file_uploader(key="keras.upload").upload("md.csv", f'"{header}",t\n{rows}'.encode(), "text/csv").run()
    assert not at.exception
    assert header in _fills(at)[1]  # a cell of the table: text, never Markdown
    _pick(at, {header: "drop"})  # not a fill (a crafted message): said, naming the column as text
    warning = next(w.value for w in at.warning if "offers no fill" in _text(w.value))
    assert _text(warning).startswith(f"'{header}'") and "<a " not in MarkdownIt("commonmark").render(warning)


@pytest.mark.parametrize("name", ["模型一", "🙂", "...", "---", ".", "..", " "])
def test_a_bad_run_name_is_refused_before_training_with_a_message(name):
    at = _open(data="iris", epochs=2, layers="3", dropout=0.0, early_stopping=0)
    # Typed, then Train pressed at once: the name and the click arrive in the same rerun.
    at.text_input(key="keras.run_name").input(name)
    at.button(key="keras.train").click().run()
    assert not at.exception and RunStore().list() == []
    assert at.session_state["keras.trainings"].outcome is None  # nothing was trained (and thrown away)
    assert any("cannot be a run name" in _text(e.value) for e in at.error)
    assert at.button(key="keras.train").disabled  # until the name is fixed


def test_a_model_over_the_budget_is_refused_before_train_and_a_long_training_is_announced():
    from nnviz.keras import budget

    huge = ",".join(["1024"] * 8)
    at = _open(layers=huge, epochs=300, batch_size=8, early_stopping=0)
    assert not at.exception
    assert any(f"at most {budget.MAX_PARAMETERS:,}" in _text(e.value) for e in at.error)
    assert at.button(key="keras.train").disabled
    assert _frame(at, "parameters").parameters.sum() > budget.MAX_PARAMETERS  # the table still says why

    at = _open(layers="256, 256", epochs=300, batch_size=8, early_stopping=0)
    assert not at.error and not at.button(key="keras.train").disabled
    assert any("one run may train for at most" in _text(w.value) for w in at.warning)


def test_an_upload_is_read_once_per_content_and_its_gap_analysis_once_per_target(monkeypatch):
    monkeypatch.setattr("nnviz.ui.offload.run", lambda fn, *a, here=False, **k: fn(*a, **k))  # counted here
    from nnviz import tabular

    calls = {"read_csv": 0, "fill_choices": 0}
    for name in calls:
        real = getattr(tabular, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(tabular, name, counted)
    columns = [f"c{j}" for j in range(12)]
    rows = "".join(",".join("" if (i + j) % 7 == 0 else str(i * j % 11) for j in range(12)) + f",{i % 2}\n"
                   for i in range(80))
    data = (",".join(columns) + ",label\n" + rows).encode()
    at = _open(data="upload a CSV")
    at.file_uploader(key="keras.upload").upload("gaps.csv", data, "text/csv").run()
    assert not at.exception and calls["read_csv"] == 1 and calls["fill_choices"] == 12
    at.radio(key="keras.scaler").set_value("standard").run()
    at.slider(key="keras.epochs").set_value(3).run()
    assert calls == {"read_csv": 1, "fill_choices": 12}  # widget changes reuse the parsed table and its analysis
    other = _open(data="upload a CSV")  # another student uploads the very same file
    other.file_uploader(key="keras.upload").upload("gaps.csv", data, "text/csv").run()
    assert not other.exception and calls == {"read_csv": 1, "fill_choices": 12}


def test_a_session_may_read_a_bounded_amount_of_uploads():
    from nnviz import tabular

    at = _open(data="upload a CSV")
    size = tabular.MAX_BYTES - 1
    for i in range(tabular.MAX_SESSION_UPLOAD_BYTES // size):
        at.file_uploader(key="keras.upload").upload(f"b{i}.csv", bytes([0, i]) * (size // 2), "text/csv").run()
        assert any("binary file" in _text(e.value) for e in at.error)
    at.file_uploader(key="keras.upload").upload("last.csv", bytes([0, 99]) * (size // 2), "text/csv").run()
    assert any("limit is 20 MB per session" in _text(e.value) for e in at.error)


def test_whole_number_labels_detected_as_regression_are_said_naming_the_column():
    rows = "".join(f"{i},{5 + i % 45}\n" for i in range(90))
    at = _open(data="upload a CSV")
    at.file_uploader(key="keras.upload").upload("grades.csv", f"x,grade\n{rows}".encode(), "text/csv").run()
    assert not at.exception
    assert any("'grade' holds 45 different whole numbers" in _text(i.value) for i in at.info)


def test_the_feature_to_plot_is_in_the_link_and_a_link_naming_no_such_column_says_so():
    at = _open(data="iris")
    box = at.selectbox(key="keras.feature")
    assert box.value == "sepal length (cm)"  # the first numeric column
    box.set_value("petal width (cm)").run()
    assert not at.exception and at.query_params["feature"] == "petal width (cm)"
    assert _chart(at, "Distribution of")["layout"]["title"]["text"] == "Distribution of petal width (cm)"

    again = _open(data="iris", feature="petal width (cm)")  # the copied link opens the same chart
    assert not again.exception and not again.warning
    assert again.selectbox(key="keras.feature").value == "petal width (cm)"
    assert _chart(again, "Distribution of")["layout"]["title"]["text"] == "Distribution of petal width (cm)"

    bad = _open(data="iris", feature="[petal](http://example.invalid)")
    assert not bad.exception
    warning = next(w.value for w in bad.warning if "Feature to plot" in w.value)
    assert "[petal](http://example.invalid)" in _text(warning) and "sepal length (cm)" in _text(warning)
    assert bad.selectbox(key="keras.feature").value == "sepal length (cm)"  # the default is used
    bad.run()
    assert not any("Feature to plot" in w.value for w in bad.warning)  # said once


def test_an_uploads_target_comes_from_the_link_and_a_column_it_lacks_is_named():
    at = _open(data="upload a CSV", target="a")
    at.file_uploader(key="keras.upload").upload("good.csv", GOOD, "text/csv").run()
    assert not at.exception and at.selectbox(key="keras.target").value == "a"
    assert not any("Target column" in w.value for w in at.warning)

    at = _open(data="upload a CSV", target="price")
    at.file_uploader(key="keras.upload").upload("good.csv", GOOD, "text/csv").run()
    assert not at.exception
    warning = next(_text(w.value) for w in at.warning if "Target column" in w.value)
    assert "**Target column (what to predict)** ` price `, which is not one of this table's columns" in warning
    assert warning.endswith("` label ` is used.")
    assert at.selectbox(key="keras.target").value == "label"  # the last column, as without a link
