"""Tables for the Keras project: reading and checking CSV files, exploring them, preparing features.

The course's project steps, in scikit-learn: look at the data (class balance,
missing values, correlations), fill or drop what is missing (a column's group
mean from a correlated column, as the course fills ``mort_acc`` from
``total_acc``), turn a date string into a year, one-hot encode categories,
scale, and split train / test (stratified for classification). Nothing from an
upload is executed or unpickled: a CSV is read as text and checked cell by cell.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

from nnviz import datasets, losses
from nnviz import metrics as shared_metrics

ROOT = Path(__file__).resolve().parents[1]
LOAN_FILE = ROOT / "data" / "loan_default.csv.gz"

MAX_BYTES = 5 * 1024 * 1024
MAX_SESSION_UPLOAD_BYTES = 4 * MAX_BYTES  # distinct files one page session may have read
MAX_COLUMNS = 200
MAX_ROWS = 200_000
MAX_CLASSES = 50
TASKS = ("binary", "multiclass", "regression")
MISSING_TOKENS = {"", "na", "n/a", "nan", "null", "none", "-"}
DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes"}
DATASETS = ("loan_default", *datasets.TABULAR_NAMES)
FILLS = ("median", "mean", "most_frequent", "drop_rows", "drop_column")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_DATE = re.compile(r"^\s*([A-Za-z]{3,9}[-/ ]\d{4}|\d{4}-\d{1,2}(-\d{1,2})?|\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{4})\s*$")


@dataclass(frozen=True)
class Table:
    """A data set ready to explore: a DataFrame, its target column and task, and notes for the reader."""

    name: str
    frame: pd.DataFrame
    target: str | None = None
    task: str | None = None
    class_names: tuple[str, ...] = ()
    description: str = ""
    notes: tuple[str, ...] = ()


def _line_of(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def read_csv(data: bytes, name: str = "upload.csv") -> Table:
    """Read an uploaded CSV as text and check it; every problem names the line or column.

    Raises ValueError for: over 5 MB, empty, binary, header only, a nameless or
    repeated column, ragged rows, over 200 columns or 200,000 rows, text in a
    numeric column, inf. A file that is not UTF-8 is read as latin-1 and a file
    separated by ``;``, tabs or ``|`` is read that way; both are said in ``notes``.
    """
    notes: list[str] = []
    if len(data) > MAX_BYTES:
        raise ValueError(f"{name} is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MB. "
                         "Upload a sample of the rows.")
    if not data.strip():
        raise ValueError(f"{name} is empty: there is no header and no data.")
    if b"\x00" in data[:8192]:
        raise ValueError(f"{name} is a binary file, not CSV text (only .csv text files are accepted).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = data.decode("latin-1")
        notes.append(f"{name} is not UTF-8 (first undecodable byte on line {_line_of(data, error.start)}); "
                     "it was read as latin-1, so check accented text.")
    if not text.strip():
        raise ValueError(f"{name} is empty: there is no header and no data.")
    first = next(line for line in text.splitlines() if line.strip())
    delimiter = ","
    if "," not in first:
        counts = {d: first.count(d) for d in DELIMITERS if d != ","}
        best = max(counts, key=counts.get)
        if counts[best]:
            delimiter = best
            notes.append(f"Columns are separated by {DELIMITERS[best]}, not commas; the file was read that way.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as error:
        raise ValueError(f"{name}: line {reader.line_num} cannot be read as CSV ({error}; an unclosed "
                         "or stray quote?).") from None
    if not rows:
        raise ValueError(f"{name} has no values: every line is blank or only separators.")
    header = [cell.strip() for cell in rows[0][1]]
    if len(header) > MAX_COLUMNS:
        raise ValueError(f"{name} has {len(header)} columns; the limit is {MAX_COLUMNS}. Drop some columns first.")
    seen: dict[str, int] = {}
    for i, column in enumerate(header, start=1):
        if not column:
            raise ValueError(f"{name}: column {i} has no name in the header (line {rows[0][0]}).")
        if column in seen:
            raise ValueError(f"{name}: the column name {_quoted(column)} appears twice (columns {seen[column]} and {i}).")
        seen[column] = i
    body = rows[1:]
    if not body:
        raise ValueError(f"{name} has a header ({len(header)} columns) but no data rows.")
    if len(body) > MAX_ROWS:
        raise ValueError(f"{name} has {len(body):,} rows; the limit is {MAX_ROWS:,}. Upload a sample.")
    for line, row in body:
        if len(row) != len(header):
            raise ValueError(f"{name}: line {line} has {len(row)} fields but the header has {len(header)} "
                             "columns (a stray delimiter, a missing value or an unclosed quote?).")
    lines = np.array([line for line, _ in body])
    raw = pd.DataFrame([row for _, row in body], columns=header, dtype=object)
    columns = {}  # built whole at the end: adding 150 columns one by one to a DataFrame fragments it
    for column in header:
        cells = raw[column].str.strip()
        missing = cells.str.lower().isin(MISSING_TOKENS)
        cells = cells.where(~missing)
        numbers = pd.to_numeric(cells, errors="coerce")
        present = int((~missing).sum())
        parsed = int(numbers.notna().sum())
        if present and parsed == present:
            infinite = np.isinf(numbers.to_numpy(float))
            if infinite.any():
                i = int(np.argmax(infinite))
                raise ValueError(f"{name}: column {_quoted(column)} holds {_quoted(cells.iloc[i])} on line {lines[i]}; "
                                 "replace infinities with a number or leave the cell empty.")
            columns[column] = numbers.astype(float)
        elif present and parsed >= 0.9 * present:
            bad = (~missing & numbers.isna()).to_numpy()
            i = int(np.argmax(bad))
            raise ValueError(f"{name}: column {_quoted(column)} is numeric but line {lines[i]} holds the text "
                             f"{_quoted(cells.iloc[i])}; fix the cell or leave it empty.")
        else:
            columns[column] = cells.astype(object)
    return Table(name, pd.DataFrame(columns, index=raw.index), notes=tuple(notes))


def load(name: str) -> Table:
    """A bundled data set: ``loan_default`` or one of scikit-learn's (nnviz.datasets.TABULAR_NAMES)."""
    if name == "loan_default":
        frame = pd.read_csv(LOAN_FILE, dtype={"zip_code": str}, keep_default_na=True)
        for column in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[column]):
                frame[column] = frame[column].astype(object)
        return Table("loan_default", frame, "loan_status", "binary", ("Charged Off", "Fully Paid"),
                     "Loan default (synthetic, in the spirit of LendingClub): 20,000 loans, will the borrower "
                     "pay back? See data/LOAN_DATA_CARD.md.")
    tab = datasets.load_tabular(name)
    frame = pd.DataFrame(tab.X, columns=list(tab.feature_names))
    target = "target"
    if tab.task == "regression":
        frame[target] = tab.y.astype(float)
    else:
        frame[target] = np.asarray(tab.target_names, dtype=object)[tab.y.astype(int)]
    return Table(name, frame, target, tab.task, tab.target_names, tab.description)


def _shown(value) -> str:
    """A cell value as a student wrote it: ``1.0``, ``yes``, never ``np.float64(1.0)``."""
    return str(value.item() if isinstance(value, np.generic) else value)


def _quoted(value) -> str:
    """A column name or cell value in a message, in quotes: ``'age'``, ``'1.0'``, never ``np.str_('age')``."""
    return f"'{_shown(value)}'"


def detect_task(values: pd.Series) -> str:
    """Guess the task from the target: 2 values -> binary, few whole numbers or text -> multiclass, else regression."""
    v = values.dropna()
    n = v.nunique()
    if n == 2:
        return "binary"
    if not pd.api.types.is_numeric_dtype(v):
        return "multiclass"
    if n <= 20 and np.all(np.mod(v.to_numpy(float), 1) == 0):
        return "multiclass"
    return "regression"


def task_note(values: pd.Series, target: str, task: str) -> str | None:
    """What to tell the student when whole-number labels were detected as a regression task (else None)."""
    v = pd.to_numeric(values.dropna(), errors="coerce").dropna()
    if task != "regression" or v.empty or not np.all(np.mod(v.to_numpy(float), 1) == 0):
        return None
    n = v.nunique()
    return (f"The target column '{target}' holds {n} different whole numbers ({_shown(v.min())} to "
            f"{_shown(v.max())}), so the task was detected as regression (predicting a number). If they are "
            f"class labels, choose multiclass as the task (at most {MAX_CLASSES} classes).")


def check_target(frame: pd.DataFrame, target: str, task: str) -> tuple[str, ...]:
    """Check the target column fits the task; return the class names (empty for regression)."""
    if task not in TASKS:
        raise ValueError(f"unknown task {_quoted(task)}; choose one of: {', '.join(TASKS)}")
    if target not in frame.columns:
        raise ValueError(f"there is no column {_quoted(target)}; choose one of: {', '.join(map(str, frame.columns))}")
    v = frame[target].dropna()
    if v.empty:
        raise ValueError(f"the target column {_quoted(target)} is empty.")
    if task == "regression":
        if not pd.api.types.is_numeric_dtype(v):
            raise ValueError(f"the target column {_quoted(target)} holds text (e.g. {_quoted(v.iloc[0])}); regression needs "
                             "numbers. Choose binary or multi-class.")
        return ()
    classes = v.unique()
    if len(classes) < 2:
        raise ValueError(f"the target column '{target}' has a single class ({_shown(classes[0])}): there is "
                         "nothing to learn. Choose another target column.")
    if len(classes) > MAX_CLASSES:
        raise ValueError(f"the target column {_quoted(target)} has {len(classes)} classes; at most {MAX_CLASSES} are "
                         "supported. Is it a number to predict (choose regression) or an ID column?")
    if task == "binary" and len(classes) != 2:
        raise ValueError(f"binary classification needs 2 classes, but {_quoted(target)} has {len(classes)}; "
                         "choose multi-class.")
    return tuple(str(c) for c in sorted(classes, key=str))


def column_kinds(frame: pd.DataFrame, target: str) -> dict[str, str]:
    """Each feature column's kind: "numeric", "date" (a date string, to become a year) or "category"."""
    kinds = {}
    for column in frame.columns:
        if column == target:
            continue
        values = frame[column].dropna()
        if pd.api.types.is_numeric_dtype(frame[column]):
            kinds[column] = "numeric"
        elif len(values) and pd.Series(values.astype(str).unique()[:500]).str.match(_DATE).mean() >= 0.9:
            kinds[column] = "date"
        else:
            kinds[column] = "category"
    return kinds


def _encode_target(values: pd.Series, task: str, class_names: tuple[str, ...]) -> np.ndarray:
    if task == "regression":
        return values.to_numpy(float)
    index = {name: i for i, name in enumerate(class_names)}
    return values.astype(str).map(index).to_numpy(int)


@dataclass(frozen=True)
class Overview:
    """The numbers of the exploratory analysis."""

    n_rows: int
    kinds: dict
    missing: pd.DataFrame  # columns: column, missing, percent (only columns with gaps)
    class_counts: pd.Series | None  # classification only
    correlation: pd.DataFrame  # numeric features (at most 25, most correlated first) and the target

    @property
    def numeric_columns(self) -> list[str]:
        return [c for c, k in self.kinds.items() if k == "numeric"]

    def words(self) -> str:
        """The table in one sentence: rows, feature columns and their kinds."""
        count = {kind: sum(k == kind for k in self.kinds.values()) for kind in ("numeric", "category", "date")}
        return (f"{self.n_rows:,} rows, {len(self.kinds)} feature columns ({count['numeric']} numeric, "
                f"{count['category']} categorical, {count['date']} dates).")


def explore(frame: pd.DataFrame, target: str, task: str) -> Overview:
    """Class balance, missing values per column with the percentage, correlations with the target."""
    kinds = column_kinds(frame, target)
    counts = frame.isna().sum()
    missing = pd.DataFrame({"column": counts.index, "missing": counts.to_numpy(),
                            "percent": 100 * counts.to_numpy() / max(len(frame), 1)})
    missing = missing[missing.missing > 0].sort_values("missing", ascending=False).reset_index(drop=True)
    class_counts = None
    rows = frame[target].notna()
    names = check_target(frame, target, task)
    if task != "regression":
        class_counts = frame[target].astype(str).value_counts().reindex(list(names), fill_value=0)
    numeric = [c for c, k in kinds.items() if k == "numeric"]
    table = frame.loc[rows, numeric].copy()
    table[target] = _encode_target(frame.loc[rows, target], task, names)
    table = table.loc[:, table.std(numeric_only=True) > 0]
    corr = table.corr()
    if target in corr:
        order = corr[target].drop(target).abs().sort_values(ascending=False).index[:25].tolist()
        corr = corr.loc[order + [target], order + [target]]
    return Overview(len(frame), kinds, missing, class_counts, corr)


class FrameSteps(BaseEstimator, TransformerMixin):
    """The table steps before encoding: date strings to years, group-mean fills, dropped columns.

    ``group_fills`` holds ``(column, by)`` pairs: a gap in ``column`` is filled
    with the mean of ``column`` over the training rows that share the row's
    ``by`` value (the course's ``mort_acc`` from ``total_acc``).
    """

    def __init__(self, date_columns=(), group_fills=(), drop=()):
        self.date_columns = date_columns
        self.group_fills = group_fills
        self.drop = drop

    def fit(self, X, y=None):
        X = self._dates(X)
        self.group_means_ = {column: X.groupby(by)[column].mean().to_dict() for column, by in self.group_fills}
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        return self

    def _dates(self, X):
        X = X.drop(columns=[c for c in self.drop if c in X.columns]).copy()
        for column in self.date_columns:
            years = X[column].astype(str).str.extract(_YEAR, expand=False)
            X[column] = pd.to_numeric(years, errors="coerce").astype(float)
        return X

    def transform(self, X):
        X = self._dates(X)
        for column, by in self.group_fills:
            means = X[by].map(self.group_means_[column])
            X[column] = X[column].fillna(means.astype(float))
        return X

    def get_feature_names_out(self, input_features=None):
        return self.feature_names_in_


@dataclass(frozen=True)
class PrepSpec:
    """How to prepare the features (the project's preparation choices)."""

    fills: tuple[tuple[str, str], ...] = ()  # (column, FILLS entry or "group_mean:<other column>")
    categorical: str = "onehot"  # "onehot" or "drop"
    scaler: str = "minmax"  # "minmax", "standard" or "none"
    test_fraction: float = 0.2
    seed: int = 0
    max_categories: int = 30


@dataclass(frozen=True)
class Prepared:
    """Arrays ready for Keras, and the fitted scikit-learn pipeline that made them."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]
    pipeline: Pipeline
    task: str
    target: str
    class_names: tuple[str, ...]
    raw_test: pd.DataFrame  # the test rows before preparation (to ask "would this applicant repay?")
    notes: tuple[str, ...] = field(default=())


def default_fills(frame: pd.DataFrame, target: str) -> dict[str, str]:
    """A sensible fill per column with gaps: the median for numbers, the most frequent for categories."""
    kinds = column_kinds(frame, target)
    return {c: ("median" if kinds[c] != "category" else "most_frequent")
            for c in frame.columns if c != target and frame[c].isna().any()}


def prepare(frame: pd.DataFrame, target: str, task: str, spec: PrepSpec = PrepSpec()) -> Prepared:
    """Split, fill, encode and scale with a ColumnTransformer fitted on the training rows only."""
    class_names = check_target(frame, target, task)
    if not 0.05 <= spec.test_fraction <= 0.5:
        raise ValueError(f"the test fraction must be between 0.05 and 0.5, got {spec.test_fraction}")
    if spec.scaler not in ("minmax", "standard", "none"):
        raise ValueError(f"unknown scaler {_quoted(spec.scaler)}; choose minmax, standard or none")
    notes = []
    kinds = column_kinds(frame, target)
    fills = {**default_fills(frame, target), **dict(spec.fills)}
    unknown = set(fills) - set(kinds)
    if unknown:
        raise ValueError(f"no feature column named {_quoted(sorted(unknown)[0])}")
    data = frame[frame[target].notna()]
    if len(data) < len(frame):
        notes.append(f"{len(frame) - len(data)} rows without a target value were dropped.")
    drop = [c for c, how in fills.items() if how == "drop_column"]
    if spec.categorical == "drop":
        drop += [c for c, k in kinds.items() if k == "category"]
    drop_rows = [c for c, how in fills.items() if how == "drop_rows"]
    if drop_rows:
        before = len(data)
        data = data.dropna(subset=drop_rows)
        notes.append(f"{before - len(data)} rows with gaps in {', '.join(drop_rows)} were dropped.")
    group_fills = []
    for column, how in fills.items():
        if how.startswith("group_mean:"):
            by = how.split(":", 1)[1]
            if by not in kinds or by == column:
                raise ValueError(f"cannot fill {_quoted(column)} from {_quoted(by)}: choose another feature column")
            group_fills.append((column, by))
        elif how not in FILLS:
            raise ValueError(f"unknown fill {_quoted(how)} for {_quoted(column)}; choose one of: {', '.join(FILLS)}, group_mean:<column>")
    features = [c for c in kinds if c not in drop]
    if not features:
        raise ValueError("no feature columns are left: keep at least one column.")
    if len(data) < 10:
        raise ValueError(f"only {len(data)} rows are left; at least 10 are needed to train and test.")
    X = data[features]
    y = _encode_target(data[target], task, class_names)
    stratify = None
    if task != "regression" and np.bincount(y).min() >= 2:
        stratify = y
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=spec.test_fraction,
                                                        random_state=spec.seed, stratify=stratify)
    # A column without a single value in the training rows has nothing to learn from (and scikit-learn's
    # imputer would silently drop it, or fail with "0 feature(s)" when it is the only one).
    empty = [c for c in features if X_train[c].isna().all()]
    for column in empty:
        where = "" if X[column].isna().all() else " in the training rows"
        notes.append(f"The column '{column}' has no values{where}: it was left out.")
    features = [c for c in features if c not in empty]
    if not features:
        raise ValueError(f"no feature column has any value: {', '.join(_quoted(c) for c in empty)} "
                         f"{'is' if len(empty) == 1 else 'are'} empty. Upload a table with values in its features.")
    X_train, X_test = X_train[features], X_test[features]
    scaler = {"minmax": MinMaxScaler, "standard": StandardScaler, "none": None}[spec.scaler]
    transformers = []
    numeric = [c for c in features if kinds[c] in ("numeric", "date")]
    strategy = {c: fills[c] if fills.get(c) in ("mean", "median", "most_frequent") else "median" for c in numeric}
    for how in ("median", "mean", "most_frequent"):
        columns = [c for c in numeric if strategy[c] == how]
        if columns:
            steps = [("fill", SimpleImputer(strategy=how))] + ([("scale", scaler())] if scaler else [])
            transformers.append((f"numbers_{how}", Pipeline(steps), columns))
    categories = [c for c in features if kinds[c] == "category"]
    if categories:
        transformers.append(("categories", Pipeline([
            ("fill", SimpleImputer(strategy="most_frequent")),
            ("onehot", OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=spec.max_categories,
                                     sparse_output=False)),
        ]), categories))
    pipeline = Pipeline([
        ("table", FrameSteps(tuple(c for c in features if kinds[c] == "date"), tuple(group_fills))),
        ("columns", ColumnTransformer(transformers, remainder="drop", verbose_feature_names_out=False)),
    ])
    train = pipeline.fit_transform(X_train).astype(np.float32)
    test = pipeline.transform(X_test).astype(np.float32)
    names = tuple(str(n) for n in pipeline.get_feature_names_out())
    return Prepared(train, test, y_train, y_test, names, pipeline, task, target, class_names,
                    X_test.reset_index(drop=True), tuple(notes))


@dataclass(frozen=True)
class Evaluation:
    """How the trained model does on the test split."""

    task: str
    metrics: dict  # accuracy / AUC or MSE / MAE / R²
    report: pd.DataFrame | None  # precision, recall, F1, support per class
    confusion: np.ndarray | None  # rows: true class, columns: predicted class
    roc: tuple[np.ndarray, np.ndarray, float] | None  # false-positive rate, true-positive rate, AUC (binary)
    y_true: np.ndarray
    y_pred: np.ndarray  # class indices, or predicted values for regression


def baseline_loss(task: str, y_train: np.ndarray) -> float:
    """The loss of always predicting the training average (class shares or the mean): a model must beat it."""
    y = np.asarray(y_train)
    if task == "regression":
        return float(np.mean((y - y.mean()) ** 2))
    shares = np.bincount(y.astype(int)) / len(y)
    shares = shares[shares > 0]
    # Predicting the shares costs their cross-entropy against themselves (unclipped: a single class costs 0).
    return float(losses.get("categorical_crossentropy").row_values(shares, shares, eps=0.0)[0])


def predictions(task: str, output: np.ndarray) -> np.ndarray:
    """Class indices (or values) from a network's output: sigmoid > 0.5, softmax argmax, linear as is."""
    output = np.asarray(output, dtype=float)
    if task == "binary":
        return (output.reshape(-1) > 0.5).astype(int)
    if task == "multiclass":
        return output.argmax(axis=1)
    return output.reshape(-1)


def evaluate(task: str, y_true: np.ndarray, output: np.ndarray, class_names: tuple[str, ...] = ()) -> Evaluation:
    """Classification report, confusion matrix and ROC/AUC, or regression errors, on the test split."""
    from sklearn import metrics

    y_true = np.asarray(y_true)
    y_pred = predictions(task, output)
    if task == "regression":
        if not np.isfinite(y_pred).all():
            raise ValueError("the model's predictions are not finite (the training diverged); lower the learning rate.")
        values = {"MSE": metrics.mean_squared_error(y_true, y_pred), "MAE": metrics.mean_absolute_error(y_true, y_pred),
                  "R²": metrics.r2_score(y_true, y_pred)}
        return Evaluation(task, values, None, None, None, y_true, y_pred)
    labels = list(range(len(class_names)))
    report = metrics.classification_report(y_true, y_pred, labels=labels, target_names=list(class_names),
                                           output_dict=True, zero_division=0)
    rows = pd.DataFrame(report).T
    rows = rows.loc[[*class_names, "macro avg", "weighted avg"], ["precision", "recall", "f1-score", "support"]]
    rows["support"] = rows["support"].astype(int)
    values = {"accuracy": metrics.accuracy_score(y_true, y_pred)}
    roc = None
    if task == "binary":
        scores = np.asarray(output, dtype=float).reshape(-1)
        if np.isfinite(scores).all() and len(np.unique(y_true)) == 2:
            fpr, tpr, _ = metrics.roc_curve(y_true, scores)
            auc = float(metrics.roc_auc_score(y_true, scores))
            roc = (fpr, tpr, auc)
            values["AUC"] = auc
    confusion = shared_metrics.confusion_matrix(y_true, y_pred, labels)
    return Evaluation(task, values, rows, confusion, roc, y_true, y_pred)


def by_class(frame: pd.DataFrame, column: str, target: str, task: str) -> dict[str, np.ndarray]:
    """A numeric column's values split by target class (one group "all rows" for regression)."""
    values = pd.to_numeric(frame[column], errors="coerce")
    if task == "regression":
        return {"all rows": values.dropna().to_numpy(float)}
    return {str(name): values[frame[target].astype(str) == str(name)].dropna().to_numpy(float)
            for name in check_target(frame, target, task)}


def fill_choices(frame: pd.DataFrame, target: str, column: str, n_groups: int = 3,
                 kinds: dict | None = None) -> tuple[str, ...]:
    """The fills offered for a column with gaps; numeric columns also get the most correlated columns' group means."""
    kinds = kinds or column_kinds(frame, target)
    if kinds.get(column) == "category":
        return ("most_frequent", "drop_rows", "drop_column")
    choices = list(FILLS)
    numeric = [c for c, k in kinds.items() if k == "numeric" and c != column and frame[c].notna().all()
               and frame[c].nunique() <= 200]
    if numeric:
        corr = frame[numeric].corrwith(pd.to_numeric(frame[column], errors="coerce")).abs().dropna()
        choices += [f"group_mean:{c}" for c in corr.sort_values(ascending=False).index[:n_groups]]
    return tuple(choices)


def gaps(frame: pd.DataFrame, target: str) -> dict[str, tuple[str, tuple[str, ...], float]]:
    """Each feature column with gaps: the fill the page starts from, the fills offered, the percentage missing.

    The page starts from the course's choice where it is offered (a gap filled with the mean of the rows
    sharing the same ``total_acc``, as for ``mort_acc``), else the median or the most frequent value.
    """
    kinds = column_kinds(frame, target)
    out = {}
    for column, default in default_fills(frame, target).items():
        choices = fill_choices(frame, target, column, kinds=kinds)
        group = [c for c in choices if c.startswith("group_mean:total_acc")]
        out[column] = (group[0] if group else default, choices, 100 * float(frame[column].isna().mean()))
    return out


def chosen_fills(gaps: dict, picks: dict[str, str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """Each column with gaps and its fill: the one picked where the column offers it, else the page's own.

    ``gaps`` is :func:`gaps`'s answer; ``picks`` maps columns to fills (a link's, or a table's cells). Returns
    the fills and, for each pick a column does not offer, a sentence naming the column, its choices and the
    fill used instead. A pick for a column without gaps is ignored.
    """
    fills, problems = {}, []
    for column, (default, choices, _) in gaps.items():
        pick = picks.get(column, default)
        fills[column] = pick if pick in choices else default
        if pick not in choices:
            problems.append(f"{_quoted(column)} offers no fill {_quoted(pick)} (its choices: {', '.join(choices)}); "
                            f"{default} is used.")
    return fills, tuple(problems)


def fill_table(gaps: dict, fills: dict[str, str]) -> pd.DataFrame:
    """The missing-value choices as one table: each column with gaps, how much is missing, its fill, its choices."""
    return pd.DataFrame({"column": list(gaps),
                         "missing": [f"{percent:.1f} %" for _, _, percent in gaps.values()],
                         "fill": [fills[column] for column in gaps],
                         "choices": [", ".join(choices) for _, choices, _ in gaps.values()]})


def fill_options(gaps: dict) -> list[str]:
    """Every fill some column with gaps offers, once each, in the order they are first offered."""
    return list(dict.fromkeys(choice for _, choices, _ in gaps.values() for choice in choices))


def parse_fills(text: str) -> dict[str, str]:
    """Missing-value choices from their link form "column=choice;column=choice" (a column name may hold "=")."""
    pairs = (item.rpartition("=") for item in text.split(";") if "=" in item)
    return {column: choice for column, _, choice in pairs}


def fills_text(fills: dict[str, str], defaults: dict[str, str]) -> str:
    """The link form of the choices that differ from ``defaults`` (a column whose name holds ";" is left out)."""
    return ";".join(f"{column}={fill}" for column, fill in fills.items()
                    if fill != defaults.get(column) and ";" not in column)


def _number(value: float) -> str:
    """A score in a formula as the page prints its scores (three decimals), never NumPy's ``np.float64(…)``."""
    return f"{float(value):.3f}"


def formulas(evaluation: Evaluation) -> dict[str, str]:
    """The formula beside each evaluation chart (LaTeX), with this model's numbers.

    Keys: ``confusion`` (accuracy from the matrix), ``roc`` (the rates and the area), ``predicted``
    (mean absolute error) and ``residuals`` (the residual and the root-mean-square error).
    """
    if evaluation.task == "regression":
        error = np.asarray(evaluation.y_true, float) - np.asarray(evaluation.y_pred, float)
        n = error.size
        return {"predicted": rf"\text{{MAE}} = \frac{{1}}{{n}}\sum_{{i=1}}^{{n}} \lvert y_i - \hat y_i \rvert"
                             rf" = {_number(np.mean(np.abs(error)))} \quad (n = {n})",
                "residuals": rf"r_i = y_i - \hat y_i, \qquad \text{{RMSE}} = \sqrt{{\frac{{1}}{{n}}"
                             rf"\sum_{{i=1}}^{{n}} r_i^2}} = {_number(np.sqrt(np.mean(error ** 2)))}"}
    m = np.asarray(evaluation.confusion)
    out = {"confusion": rf"\text{{accuracy}} = \frac{{\operatorname{{tr}} M}}{{\sum_{{j,k}} M_{{jk}}}} = "
                        rf"\frac{{{int(np.trace(m))}}}{{{int(m.sum())}}} = {_number(np.trace(m) / max(m.sum(), 1))}"}
    if evaluation.roc is not None:
        out["roc"] = (r"\text{TPR} = \frac{TP}{TP + FN}, \quad \text{FPR} = \frac{FP}{FP + TN}, \quad "
                      rf"\text{{AUC}} = \int_0^1 \text{{TPR}}\, d(\text{{FPR}}) = {_number(evaluation.roc[2])}")
    return out
