"""Dependencies point one way, Django apps use each other only through a small surface (ADR 0001, 0008).

The checker reads every module under ``src/ivp`` with :mod:`ast`: ``import``/``from`` statements at any
depth (inside functions and ``TYPE_CHECKING`` blocks too), relative imports resolved against the module's
package, ``importlib.import_module("ivp....")`` with a literal name, and, for the Django apps,
``apps.get_model`` calls and model references as strings (``ForeignKey("accounts.Team")``).
The checker takes a root, so the tests at the bottom run it over synthetic trees with one violation each.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "ivp"

# The areas below each layer; an area may import exactly these (and itself), nothing else of ivp.
_BASE = frozenset({"lib", "stats", "store", "workspace", "themes"})
_DOMAIN = _BASE | {"sources", "plan", "interventions", "reports"}
ALLOWED: dict[str, frozenset[str]] = {
    "ivp": frozenset(),  # src/ivp/__init__.py: the version only
    "lib": frozenset(),  # leaf helpers
    "stats": frozenset({"lib"}),  # pure functions over arrays
    "store": frozenset({"lib"}),  # ADR 0001
    "workspace": frozenset({"lib"}),  # sits with the store (ADR 0001)
    "themes": frozenset({"lib"}),  # the taxonomy
    "sources": _BASE,
    "plan": _BASE,  # the plan domain: never web, reports or cli
    "interventions": _BASE,  # the intervention register (issue 15), at the level of plan
    "reports": _BASE | {"plan", "interventions"},
    "web": _DOMAIN,
    "demo": _DOMAIN | {"web"},  # the demo runs the plan step through ivp.web.plan.services (ADR 0008)
    "cli": _DOMAIN | {"web", "demo"},
}

# Django apps (a folder under web/ with an apps.py) use another app only through these modules.
APP_PUBLIC = frozenset({"services", "permissions"})
# Modules of web/ itself that apps may import: helpers below the apps, which import no app themselves.
WEB_SHARED = frozenset({"env", "inserts", "clientip", "errorpage", "requestid"})

MAX_LINES = 600
SQL = re.compile(r"\bSELECT\b.*\bFROM\b|\bINSERT INTO\b|\bDELETE FROM\b|\bUPDATE\b.*\bSET\b", re.DOTALL)
# SQL outside the store, each with its reason (paths relative to src/ivp; a trailing / is a folder).
SQL_ALLOWED = {
    "web/inserts.py": "one-statement submission on PostgreSQL (ADR 0003)",
    "web/pgbackend/": "the PostgreSQL database backend",
    "migrations/": "Django migrations",
    "sources/geo.py": "reads a GeoPackage (an SQLite file) with sqlite3",
}


@dataclass(frozen=True)
class Ref:
    """One reference from a module to an ivp module (``target``), on ``line``; ``how`` names the form."""

    source: str
    target: str
    line: int
    how: str = "import"


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(root: Path, dotted: str) -> bool:
    rel = Path(*dotted.split(".")[1:]) if "." in dotted else Path()
    return (root / rel).with_suffix(".py").is_file() or (root / rel / "__init__.py").is_file()


def _string_call(node: ast.Call) -> str:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name in {"import_module", "__import__"} and node.args:
        arg = node.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
    return ""


def references(root: Path, path: Path) -> Iterator[Ref]:
    """Every ivp module ``path`` imports, by any of the forms the module docstring lists."""
    name = module_name(root, path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top = root.name
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == top:
                    yield Ref(name, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != top:
                continue
            for alias in node.names:
                full = f"{module}.{alias.name}"
                yield Ref(name, full if _is_module(root, full) else module, node.lineno)
        elif isinstance(node, ast.Call):
            target = _string_call(node)
            if target.split(".")[0] == top:
                yield Ref(name, target, node.lineno, "import_module")


def modules(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def area_of(root: Path, path: Path) -> str:
    rel = path.relative_to(root)
    return root.name if rel.parts == ("__init__.py",) else rel.parts[0].removesuffix(".py")


def areas(root: Path) -> set[str]:
    return {area_of(root, p) for p in modules(root)}


def layer_violations(root: Path, allowed: dict[str, frozenset[str]] = ALLOWED) -> list[str]:
    """``path:line: area -> area (target)`` for each import across layers that the allow-list forbids."""
    found = []
    for path in modules(root):
        area = area_of(root, path)
        may = allowed.get(area, frozenset()) | {area, root.name}  # ivp itself: __version__
        for ref in references(root, path):
            parts = ref.target.split(".")
            target = parts[1] if len(parts) > 1 else root.name
            if target not in may:
                rel = path.relative_to(root).as_posix()
                found.append(f"{rel}:{ref.line}: {area} -> {target} ({ref.target}, {ref.how})")
    return found


# Django apps -------------------------------------------------------------------------------------------

_MODEL_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


def apps_of(root: Path) -> set[str]:
    return {p.parent.name for p in (root / "web").glob("*/apps.py")}


def _model_strings(path: Path) -> Iterator[tuple[str, int, str]]:
    """``(app label, line, form)`` for each model named by a string: a related field or ``get_model``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        arg = node.args[0]
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            continue
        if name in _MODEL_FIELDS and "." in arg.value:
            yield arg.value.split(".")[0].lower(), node.lineno, "model string"
        elif name == "get_model":
            yield arg.value.split(".")[0].lower(), node.lineno, "get_model"


@dataclass
class AppReport:
    violations: list[str]
    graph: dict[str, set[str]]


def app_report(root: Path) -> AppReport:
    """Imports between apps that bypass services/permissions, and the graph of which app uses which.

    Edges count every use: imports of public modules and model strings too, so a cycle through
    ForeignKeys (a migration cycle) is found as well. Migrations are Django's (historical models through
    ``apps.get_model``) and are left out.
    """
    apps = apps_of(root)
    top = root.name
    graph: dict[str, set[str]] = {app: set() for app in apps}
    violations = []
    for path in modules(root / "web"):
        rel = path.relative_to(root).as_posix()
        here = path.relative_to(root / "web").parts
        own = here[0] if len(here) > 1 and here[0] in apps else None
        if "migrations" in here:
            continue
        for ref in references(root, path):
            parts = ref.target.split(".")
            if parts[:2] != [top, "web"] or len(parts) < 3:
                continue
            other = parts[2]
            if own is None:  # web/ itself: urls, settings, server wire the apps together
                if here[0].removesuffix(".py") in WEB_SHARED and other in apps:
                    violations.append(f"{rel}:{ref.line}: shared web module imports app {other}")
                continue
            if other == own:
                continue
            if other not in apps:
                if other not in WEB_SHARED:
                    violations.append(f"{rel}:{ref.line}: app {own} imports web.{other}")
                continue
            graph[own].add(other)
            module = parts[3] if len(parts) > 3 else ""
            if module and module not in APP_PUBLIC:
                violations.append(f"{rel}:{ref.line}: app {own} imports {ref.target} ({ref.how})")
        if own is None:
            continue
        for label, line, how in _model_strings(path):
            if label in apps and label != own:
                graph[own].add(label)
                if how == "get_model":
                    violations.append(f"{rel}:{line}: app {own} reaches the models of {label} (get_model)")
    return AppReport(violations, graph)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle once, as the path of apps that closes it (depth-first search)."""
    found: list[list[str]] = []
    seen: set[frozenset[str]] = set()

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                loop = path[path.index(nxt) :]
                if frozenset(loop) not in seen:
                    seen.add(frozenset(loop))
                    found.append([*loop, nxt])
            else:
                visit(nxt, [*path, nxt])

    for start in sorted(graph):
        visit(start, [start])
    return found


# The rules over the real tree --------------------------------------------------------------------------


def test_every_area_has_a_rule() -> None:
    assert areas(SRC) - set(ALLOWED) == set(), "a new area under src/ivp needs a line in ALLOWED"


def test_dependencies_point_one_way() -> None:
    assert layer_violations(SRC) == []


def test_apps_use_each_other_only_through_services_and_permissions() -> None:
    assert app_report(SRC).violations == []


def test_no_cycles_between_apps() -> None:
    assert cycles(app_report(SRC).graph) == []


def test_audit_is_fed_and_uses_no_other_app() -> None:
    graph = app_report(SRC).graph
    assert graph["audit"] == set()
    assert "audit" in graph["meldingen"]


def test_no_module_is_too_long() -> None:
    long = {
        path.relative_to(SRC).as_posix(): n
        for path in modules(SRC)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split modules past {MAX_LINES} lines"


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def sql_outside_store(root: Path) -> list[str]:
    """``path:line`` of each string constant that reads as SQL, outside the store and the allow-list."""
    found = []
    for path in modules(root):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("store/") or any(
            rel == key or (key.endswith("/") and (rel.startswith(key) or f"/{key}" in rel))
            for key in SQL_ALLOWED
        ):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in skip
                and SQL.search(node.value)
            ):
                found.append(f"{rel}:{node.lineno}")
    return found


def test_no_sql_outside_the_store() -> None:
    assert sql_outside_store(SRC) == []


# The checker bites: one violation per rule in a synthetic tree ------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """A small ivp tree in ``tmp_path`` with the real layout and ``files`` (path: source) on top."""
    root = tmp_path / "ivp"
    layout = {
        "__init__.py": "",
        "lib/__init__.py": "",
        "lib/i18n.py": "",
        "stats/__init__.py": "",
        "stats/change.py": "from ivp.lib import i18n\n",
        "store/__init__.py": "from ivp.lib.i18n import _\n",
        "workspace.py": "from ivp.lib import i18n\n",
        "themes/__init__.py": "",
        "sources/__init__.py": "",
        "plan/__init__.py": "",
        "plan/model.py": "from ivp.store import Store\nfrom . import errors\n",
        "plan/errors.py": "",
        "interventions/__init__.py": "from ivp.lib import i18n\n",
        "reports/__init__.py": "from ivp.plan import model\nfrom ivp.interventions import model\n",
        "demo/__init__.py": "",
        "web/__init__.py": "",
        "web/urls.py": "from ivp.web.meldingen import views\n",
        "web/inserts.py": "",
        "cli/__init__.py": "from ivp.web.plan import services\nfrom ivp.demo import x\n",
    }
    for app in ("accounts", "audit", "meldingen", "plan"):
        for module in ("__init__", "apps", "models", "services", "permissions", "views", "forms"):
            layout[f"web/{app}/{module}.py"] = ""
    layout["web/meldingen/services.py"] = (
        "from ivp.web.accounts import permissions\nfrom ivp.web.audit import services\n"
        "from ivp.web.inserts import insert\n"
    )
    layout["web/meldingen/models.py"] = "team = models.ForeignKey('accounts.Team', on_delete=None)\n"
    layout["web/plan/migrations/__init__.py"] = ""
    layout["web/plan/migrations/0002_data.py"] = "M = apps.get_model('accounts', 'Team')\n"
    layout.update(files)
    for rel, text in layout.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_clean_synthetic_tree_passes(tmp_path: Path) -> None:
    root = _tree(tmp_path, {})
    assert areas(root) == set(ALLOWED)
    assert layer_violations(root) == []
    report = app_report(root)
    assert report.violations == []
    assert cycles(report.graph) == []
    assert report.graph["meldingen"] == {"accounts", "audit"}


@pytest.mark.parametrize(
    ("rel", "source", "expected"),
    [
        # the two examples of issue 11
        ("plan/model.py", "from ivp.web.plan import services\n", "plan/model.py:1: plan -> web"),
        ("stats/x.py", "from ..web import urls\n", "stats/x.py:1: stats -> web (ivp.web.urls, import)"),
        ("lib/x.py", "import ivp.stats.change\n", "lib/x.py:1: lib -> stats"),
        ("store/x.py", "from ivp.workspace import W\n", "store/x.py:1: store -> workspace"),
        ("themes/x.py", "from ivp.stats import change\n", "themes/x.py:1: themes -> stats"),
        ("sources/x.py", "from ivp.reports import r\n", "sources/x.py:1: sources -> reports"),
        ("plan/x.py", "def f():\n    from ivp.reports import r\n", "plan/x.py:2: plan -> reports"),
        ("plan/x.py", "from ivp.cli import main\n", "plan/x.py:1: plan -> cli"),
        (
            "interventions/x.py",
            "from ivp.sources import s\n",
            "interventions/x.py:1: interventions -> sources",
        ),
        ("interventions/y.py", "from ivp.plan import model\n", "interventions/y.py:1: interventions -> plan"),
        ("reports/x.py", "from ivp.sources import s\n", "reports/x.py:1: reports -> sources"),
        ("web/x.py", "from ivp.demo import d\n", "web/x.py:1: web -> demo"),
        ("demo/x.py", "from ivp.cli import c\n", "demo/x.py:1: demo -> cli"),
        (
            "stats/y.py",
            "import importlib\nm = importlib.import_module('ivp.store')\n",
            "stats/y.py:2: stats -> store (ivp.store, import_module)",
        ),
        ("stats/pkg/__init__.py", "from ... import store\n", "stats/pkg/__init__.py:1: stats -> store"),
    ],
)
def test_a_layer_violation_is_reported(tmp_path: Path, rel: str, source: str, expected: str) -> None:
    found = layer_violations(_tree(tmp_path, {rel: source}))
    assert len(found) == 1, found
    assert found[0].startswith(expected)


def test_a_new_area_without_a_rule_is_seen(tmp_path: Path) -> None:
    assert areas(_tree(tmp_path, {"cases/__init__.py": ""})) - set(ALLOWED) == {"cases"}


@pytest.mark.parametrize(
    ("rel", "source", "expected"),
    [
        (
            "web/accounts/permissions.py",
            "from ivp.web.meldingen.models import Melding\n",
            "web/accounts/permissions.py:1: app accounts imports ivp.web.meldingen.models (import)",
        ),
        (
            "web/plan/views.py",
            "def f():\n    from ..meldingen import forms\n",
            "web/plan/views.py:2: app plan imports ivp.web.meldingen.forms (import)",
        ),
        (
            "web/plan/views.py",
            "from django.apps import apps\nM = apps.get_model('meldingen', 'Melding')\n",
            "web/plan/views.py:2: app plan reaches the models of meldingen (get_model)",
        ),
        (
            "web/plan/views.py",
            "import importlib\nv = importlib.import_module('ivp.web.audit.models')\n",
            "web/plan/views.py:2: app plan imports ivp.web.audit.models (import_module)",
        ),
        (
            "web/plan/services.py",
            "from ivp.web import urls\n",
            "web/plan/services.py:1: app plan imports web.urls",
        ),
        (
            "web/inserts.py",
            "from ivp.web.meldingen import services\n",
            "web/inserts.py:1: shared web module imports app meldingen",
        ),
    ],
)
def test_an_app_boundary_violation_is_reported(tmp_path: Path, rel: str, source: str, expected: str) -> None:
    report = app_report(_tree(tmp_path, {rel: source}))
    assert report.violations == [expected]


def test_a_relative_import_of_another_apps_models_is_resolved(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"web/plan/views.py": "from ..meldingen.models import Melding\n"})
    assert app_report(root).violations == [
        "web/plan/views.py:1: app plan imports ivp.web.meldingen.models (import)"
    ]


def test_a_cycle_between_apps_is_reported(tmp_path: Path) -> None:
    # accounts -> meldingen through its public services, meldingen -> accounts through a ForeignKey string
    root = _tree(tmp_path, {"web/accounts/services.py": "from ivp.web.meldingen import services\n"})
    report = app_report(root)
    assert report.violations == []
    assert cycles(report.graph) == [["accounts", "meldingen", "accounts"]]


def test_a_long_module_and_sql_are_seen(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "web/plan/services.py": '"""SELECT x FROM y in a docstring is prose."""\nQ = "SELECT a FROM b"\n',
            "web/plan/migrations/0003_sql.py": 'Q = "DELETE FROM t"\n',
            "store/q.py": 'Q = "UPDATE t SET a = 1"\n',
        },
    )
    assert sql_outside_store(root) == ["web/plan/services.py:2"]
