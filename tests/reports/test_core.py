"""The report core: the registry lists every report, writing is all-or-nothing, and the reports use the
core instead of each other's private names."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from ivp.reports import registry
from ivp.reports.core import templates
from ivp.reports.core.output import write_report, write_set
from ivp.reports.core.report import FORMATS, Report, parse_formats
from ivp.reports.plan import render as plan_render
from ivp.reports.veiligheidsbeeld import page as vb_page
from ivp.reports.veiligheidsbeeld.context import build_context
from ivp.store import Store
from ivp.workspace import Workspace
from tests.reports.conftest import Demo

REPORTS = Path(__file__).resolve().parents[2] / "src" / "ivp" / "reports"


# -- the registry ---------------------------------------------------------------------------------------


def test_registry_lists_every_report_with_a_template_that_loads() -> None:
    assert list(registry.REPORTS) == ["veiligheidsbeeld", "evaluatie", "rib", "wijkscan", "effect"]
    for report in registry.REPORTS.values():
        assert templates.environment().get_template(report.template).name == report.template
    assert registry.get("veiligheidsbeeld").formats == FORMATS
    assert registry.get("rib").formats == ("html", "pdf", "docx")
    assert registry.get("evaluatie").formats == plan_render.FORMATS  # what `ivp report evaluatie` offers
    with pytest.raises(KeyError, match="veiligheidsbeeld, evaluatie, rib"):
        registry.get("jaarverslag")


def test_parse_formats_refuses_unknown_ones_in_dutch() -> None:
    assert parse_formats("pdf, HTML,pdf") == ("pdf", "html")
    with pytest.raises(ValueError, match="onbekend formaat odt; kies uit html, pdf, docx, xlsx"):
        parse_formats("html,odt")


# -- writing all formats as one set ---------------------------------------------------------------------


def _docx(text: str) -> bytes:
    from ivp.reports.core import word

    doc = word.new_document()
    doc.add_paragraph(text)
    return bytes(word.to_bytes(doc))


def _failing(ctx: str) -> bytes:
    raise RuntimeError(f"xlsx of {ctx} failed")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_failing_format_writes_nothing(tmp_path: Path) -> None:
    report: Report[str] = Report(
        name="proef", title="Proef", template="veiligheidsbeeld.html", stem=lambda c: f"proef-{c}",
        docx=_docx, xlsx=_failing,
    )  # fmt: skip
    (tmp_path / "proef-a.docx").write_bytes(b"old")
    with pytest.raises(RuntimeError, match="xlsx of a failed"):
        write_report(report, "a", tmp_path, ("docx", "xlsx"))
    assert (tmp_path / "proef-a.docx").read_bytes() == b"old"  # not replaced by a new docx alone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proef-a.docx"]
    paths = write_report(report, "a", tmp_path, ("docx",))
    assert paths == {"docx": tmp_path / "proef-a.docx"}
    assert Document(io.BytesIO(paths["docx"].read_bytes())).paragraphs[0].text == "a"
    with pytest.raises(ValueError, match="onbekend formaat odt"):
        write_report(report, "a", tmp_path, ("odt",))


def test_a_file_that_cannot_be_replaced_leaves_the_old_set(tmp_path: Path) -> None:
    (tmp_path / "r.html").write_text("old html", encoding="utf-8")
    (tmp_path / "r.xlsx").mkdir()  # a folder in the way of the third file
    with pytest.raises(IsADirectoryError):
        write_set(tmp_path, "r", {"html": b"new html", "pdf": b"new pdf", "xlsx": b"new xlsx"})
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == "old html"
    assert not (tmp_path / "r.pdf").exists()
    assert _leftovers(tmp_path) == []  # no temporary or backup files
    (tmp_path / "r.xlsx").rmdir()
    paths = write_set(tmp_path, "r", {"html": b"new html", "pdf": b"new pdf", "xlsx": b"new xlsx"})
    assert list(paths) == ["html", "pdf", "xlsx"]
    assert [p.read_bytes() for p in paths.values()] == [b"new html", b"new pdf", b"new xlsx"]
    assert _leftovers(tmp_path) == []


@pytest.mark.slow
def test_the_veiligheidsbeeld_is_written_by_the_core(demo: Demo, tmp_path: Path) -> None:
    ws = Workspace.open(demo.root)
    with Store(ws.store_path, read_only=True) as store:
        ctx = build_context(ws, store)
    report = registry.get("veiligheidsbeeld")
    paths = write_report(report, ctx, tmp_path, ("xlsx", "html"))
    assert list(paths) == ["html", "xlsx"]
    assert paths["html"].name == f"veiligheidsbeeld-GM0505-{ctx.year_a}-{ctx.year_b}.html"
    assert paths["html"].read_text(encoding="utf-8") == vb_page.render_html(ctx)
    sheets = load_workbook(paths["xlsx"], read_only=True).sheetnames
    assert sheets[:5] == ["vergelijking", "reeksen", "trends", "ombuigingen", "referenties"]
    # the same bytes as `ivp demo` wrote through make_report
    assert paths["html"].read_bytes() == demo.default["html"].read_bytes()


# -- structure: the reports use the core, not each other ------------------------------------------------


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted(REPORTS.rglob("*.py")):
        parts = path.relative_to(REPORTS.parent.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = ast.parse(path.read_text(encoding="utf-8"))
    return out


def _private_imports(name: str, tree: ast.Module) -> list[str]:
    """Private names (``_x``, not gettext's ``_``) this module takes from another ivp module."""
    found = []
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").startswith("ivp")):
            for alias in node.names:
                if alias.name.startswith("_") and alias.name != "_":
                    found.append(f"{name}: from {node.module} import {alias.name}")
                aliases.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            aliases.update(a.asname or a.name.split(".")[0] for a in node.names if a.name.startswith("ivp"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"{name}: {node.value.id}.{node.attr}")
    return found


def test_no_report_module_uses_a_private_name_of_another() -> None:
    assert [hit for name, tree in _modules().items() for hit in _private_imports(name, tree)] == []


def test_the_private_name_check_can_fail() -> None:
    tree = ast.parse(
        "from ivp.lib.i18n import _\nfrom ivp.reports.x import _table\n"
        "from ivp.reports import render as vb\nvb._template_env()\n"
    )
    assert _private_imports("m", tree) == ["m: from ivp.reports.x import _table", "m: vb._template_env"]


def _graph(modules: dict[str, ast.Module]) -> dict[str, set[str]]:
    """Which report modules each report module imports (at any depth of the code, lazily or not)."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, tree in modules.items():
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_report_modules_import_each_other_without_cycles() -> None:
    graph = _graph(_modules())
    # `from ivp.reports.veiligheidsbeeld import areas` takes a submodule, it does not use the package's
    # __init__ (which imports its submodules lazily, inside make_report)
    graph = {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in graph.items()}
    assert _cycle(graph) == []
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_the_core_imports_no_report_and_only_the_core_writes_files() -> None:
    modules = _modules()
    graph = _graph(modules)
    core = {m for m in modules if m.startswith("ivp.reports.core")}
    assert {t for m in core for t in graph[m]} <= core
    writers = {"docx", "openpyxl", "weasyprint", "jinja2", "ivp.lib.files"}
    outside: dict[str, set[str]] = {}
    for name, tree in modules.items():
        if name in core:
            continue
        used: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                used.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                used.add(node.module)
        if hits := {u for u in used if u.split(".")[0] in writers or u in writers}:
            outside[name] = hits
    assert outside == {}
