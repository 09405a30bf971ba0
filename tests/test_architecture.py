"""Which packages each layer may import, checked on the source: the core NumPy, charts Plotly, ui and lessons Streamlit,
only nnviz.keras TensorFlow."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STDLIB = set(sys.stdlib_module_names)

# Which third-party top-level packages each part of the code may import.
ALLOWED = {
    "core": {"numpy", "nnviz"},
    "nnviz/datasets.py": {"numpy", "nnviz", "sklearn"},
    "nnviz/tabular.py": {"numpy", "nnviz", "sklearn", "pandas"},
    "nnviz/metrics.py": {"numpy", "sklearn"},
    "nnviz/fastnet.py": {"numpy", "numba"},  # the playground's compiled step; tests hold it equal to NumPy
    "nnviz/charts": {"numpy", "nnviz", "plotly", "_plotly_utils"},  # _plotly_utils ships inside plotly
    "nnviz/ui": {"numpy", "nnviz", "plotly", "streamlit", "pandas", "segno", "threadpoolctl"},
    "nnviz/keras": {"numpy", "nnviz", "pandas", "sklearn", "keras", "tensorflow", "tensorboard", "joblib"},
    "nnviz/classroom": {"nnviz", "redis"},  # a live class: no Streamlit; Redis only for several hosts
    "lessons": {"numpy", "nnviz", "plotly", "streamlit", "pandas"},
}


def _part(path: Path) -> str:
    rel = path.relative_to(ROOT).as_posix()
    for part in ("nnviz/charts", "nnviz/ui", "nnviz/keras", "nnviz/classroom", "lessons", "nnviz/datasets.py", "nnviz/tabular.py", "nnviz/metrics.py",
                 "nnviz/fastnet.py"):
        if rel.startswith(part):
            return part
    return "core"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names - STDLIB


FILES = sorted([*ROOT.joinpath("nnviz").rglob("*.py"), *ROOT.joinpath("lessons").glob("*.py")])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_module_imports_only_what_its_layer_allows(path):
    part = _part(path)
    extra = _imports(path) - ALLOWED[part]
    assert not extra, f"{path.relative_to(ROOT)} ({part}) imports {sorted(extra)}"


LIGHT_PAGES = sorted(p.name for p in ROOT.joinpath("lessons").glob("*.py") if p.stem != "keras_training")


@pytest.mark.parametrize("page", ["app.py", *(f"lessons/{name}" for name in LIGHT_PAGES)])
def test_pages_other_than_keras_never_import_tensorflow(page):
    code = (
        "import sys; from streamlit.testing.v1 import AppTest;"
        f"at = AppTest.from_file({str(ROOT / page)!r}, default_timeout=60).run();"
        "print(bool(at.exception), 'tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split()[-3:] == ["False", "False", "False"], out.stdout + out.stderr[-2000:]


def test_importing_the_core_pulls_in_no_ui_or_tensorflow():
    code = (
        "import sys, nnviz.network, nnviz.activations, nnviz.losses, nnviz.datasets;"
        "heavy = {'streamlit', 'plotly', 'tensorflow', 'keras'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
