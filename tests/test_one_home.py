"""Each cost and activation formula has one home: nnviz/losses.py and nnviz/activations.py.

Every other module under nnviz/ is read as source (its AST) and must not
write a log-loss, a sigmoid, a softmax, a tanh or an activation's derivative
of its own: it calls the registries instead, so a formula, its gradient and
its LaTeX cannot drift apart. The compiled playground kernel (fastnet.py)
keeps its own arithmetic; tests hold it equal to the registries.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "nnviz"
HOMES = {"losses.py", "activations.py", "fastnet.py"}

NATURAL_LOGS = {"log", "log1p"}
ALWAYS_FORMULAS = {"logaddexp", "logaddexp2", "logsumexp", "xlogy", "log_softmax", "softplus", "expit"}
EXPONENTIALS = {"exp", "expm1"}
MAXIMA = {"max", "amax", "nanmax"}
SUMS = {"sum", "nansum"}

# (module path under nnviz/, rule, source of the flagged expression) -> why it is not a duplicated formula.
# Each entry must still match something (test_every_allowed_use_still_exists), so none goes stale.
ALLOWED: dict[tuple[str, str, str], str] = {}


def _name(func: ast.expr) -> str | None:
    """The called function's last name: ``np.log`` -> "log", ``math.exp`` -> "exp", ``z.max`` -> "max"."""
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _called(node: ast.AST, names: set[str]) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) in names


def _contains_call(node: ast.AST, names: set[str]) -> bool:
    return any(_called(n, names) for n in ast.walk(node))


def _is_one(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and node.value == 1


def _same(a: ast.AST, b: ast.AST) -> bool:
    return ast.dump(a) == ast.dump(b)


def _factors(node: ast.AST) -> list[ast.AST]:
    """The operands of a chain of multiplications: a * b * (1 - a) -> [a, b, 1 - a]."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return _factors(node.left) + _factors(node.right)
    return [node]


def _one_minus(node: ast.AST) -> ast.AST | None:
    """X when node is 1 − X."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and _is_one(node.left):
        return node.right
    return None


def _square_of(node: ast.AST) -> bool:
    """x ** 2 or x * x."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        return isinstance(node.right, ast.Constant) and node.right.value == 2
    return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and _same(node.left, node.right)


def _exp_names(tree: ast.AST) -> set[str]:
    """Names bound to an exponential (``e = np.exp(...)``): e / (1 + e) and e / e.sum() are formulas too."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _called(node.value, EXPONENTIALS):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _is_exp(node: ast.AST, exp_names: set[str]) -> bool:
    return _called(node, EXPONENTIALS) or (isinstance(node, ast.Name) and node.id in exp_names)


def findings(source: str) -> list[tuple[str, int, str]]:
    """(rule, line, source) for every cost or activation formula written in ``source``."""
    tree = ast.parse(source)
    exp_names = _exp_names(tree)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []

    def flag(rule: str, node: ast.AST) -> None:
        found.append((rule, node.lineno, ast.get_source_segment(source, node) or ast.dump(node)))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            parent = parents.get(node)
            if name in ALWAYS_FORMULAS:
                flag("log-loss", node)
            elif name in NATURAL_LOGS:
                # y · ln p and −ln p are a log-loss; a log on its own (a log axis, a ratio of logs) is not.
                if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Mult):
                    flag("log-loss", parent)
                elif isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.USub):
                    flag("log-loss", parent)
                elif any(_contains_call(arg, EXPONENTIALS) for arg in node.args):
                    flag("log-sum-exp", node)
            elif name in EXPONENTIALS and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.UnaryOp) and isinstance(arg.op, ast.USub):
                    flag("sigmoid", node)  # e^(−z): the logistic function's denominator
                elif (isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Sub)
                      and _contains_call(arg.right, MAXIMA)):
                    flag("softmax", node)  # e^(z − max z): the shifted softmax
            elif name == "tanh":
                flag("tanh", node)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            denominator = node.right
            if (isinstance(denominator, ast.BinOp) and isinstance(denominator.op, ast.Add)
                    and any(_is_exp(side, exp_names) for side in (denominator.left, denominator.right))):
                flag("sigmoid", node)  # 1 / (1 + e^−z), e / (1 + e)
            elif _is_exp(node.left, exp_names) and _called(denominator, SUMS) or (
                    isinstance(denominator, ast.Call) and isinstance(denominator.func, ast.Attribute)
                    and denominator.func.attr in SUMS and _is_exp(denominator.func.value, exp_names)):
                flag("softmax", node)  # e / Σ e
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub):
            if _is_one(node.left) and _square_of(node.right):
                flag("tanh-derivative", node)  # 1 − a²
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) and not (
                isinstance(parents.get(node), ast.BinOp) and isinstance(parents[node].op, ast.Mult)):
            factors = _factors(node)
            for factor in factors:
                x = _one_minus(factor)
                if x is not None and any(_same(x, other) for other in factors if other is not factor):
                    flag("sigmoid-derivative", node)  # a (1 − a)
                    break
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if not (p.parent == PACKAGE and p.name in HOMES))


def _relative(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def _module_findings(path: Path) -> list[tuple[str, int, str]]:
    return findings(path.read_text(encoding="utf-8"))


def test_no_module_outside_the_homes_writes_a_cost_or_activation_formula():
    duplicates = []
    for path in _modules():
        for rule, line, text in _module_findings(path):
            if (_relative(path), rule, text) not in ALLOWED:
                duplicates.append(f"{_relative(path)}:{line}: {rule}: {text}")
    assert not duplicates, ("use nnviz.losses / nnviz.activations instead of writing these again "
                            "(or add a commented entry to ALLOWED):\n" + "\n".join(duplicates))


def test_every_allowed_use_still_exists():
    present = {(_relative(p), rule, text) for p in _modules() for rule, _, text in _module_findings(p)}
    assert set(ALLOWED) <= present, f"stale ALLOWED entries: {sorted(set(ALLOWED) - present)}"


@pytest.mark.parametrize("rule, snippet", [
    ("log-loss", "c = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))"),
    ("log-loss", "c = -np.log(p[target])"),
    ("log-loss", "c = np.logaddexp(0, -z)"),
    ("log-sum-exp", "lp = z - np.log(np.sum(np.exp(z)))"),
    ("sigmoid", "a = 1 / (1 + np.exp(-z))"),
    ("sigmoid", "a = 1.0 / (1.0 + math.exp(-z))"),
    ("sigmoid", "e = math.exp(z)\na = e / (1.0 + e)"),
    ("softmax", "e = np.exp(z - z.max(axis=1, keepdims=True))"),
    ("softmax", "e = np.exp(z)\np = e / e.sum(axis=1, keepdims=True)"),
    ("softmax", "p = np.exp(z) / np.sum(np.exp(z))"),
    ("tanh", "a = 0.5 * (1.0 + np.tanh(0.5 * z))"),
    ("tanh-derivative", "d = 1.0 - a * a"),
    ("tanh-derivative", "d = 1 - np.tanh(z) ** 2"),
    ("sigmoid-derivative", "d = a * (1.0 - a)"),
    ("sigmoid-derivative", "g = (a - y) * a * (1 - a)"),
    ("sigmoid-derivative", "g = (a - y) / (a * (1 - a))"),
])
def test_the_check_finds_each_kind_of_formula(rule, snippet):
    assert rule in {r for r, _, _ in findings(snippet)}


@pytest.mark.parametrize("snippet", [
    "ticks = 10 ** np.floor(np.log10(span))",                     # a log axis
    "k0 = round(math.log10(low) * per_decade)",                    # a log-spaced grid
    "grid = np.logspace(-5, 1, 13)",
    "d = abs(math.log(stop) - math.log(value))",                   # nearest stop on a log slider
    "curve = 1.5 * np.exp(-epochs / 15) + 0.2",                    # a made-up decaying curve
    "bowl = np.exp(np.minimum(w - 1.0, 700.0))",                   # a loss surface, not an activation
    "s = rho * s + (1 - rho) * (g * g)",                           # RMSProp's moving average
    "shares = counts / counts.sum()",
    "r = (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2",               # Rosenbrock
    "v = v / (1 - b2 ** t)",
])
def test_the_check_leaves_other_uses_of_log_and_exp_alone(snippet):
    assert findings(snippet) == []
