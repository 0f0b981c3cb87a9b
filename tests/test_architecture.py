"""Dependencies point one way: lib <- stats <- store/sources/reports <- web <- cli."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "ivp"

# For each area, the ivp areas it must NOT import.
FORBIDDEN: dict[str, set[str]] = {
    "lib": {"stats", "store", "sources", "themes", "reports", "web", "cli", "workspace", "plan"},
    "stats": {"store", "sources", "themes", "reports", "web", "cli", "workspace", "plan"},
    "store": {"stats", "sources", "themes", "reports", "web", "cli", "workspace", "plan"},
    "themes": {"sources", "reports", "web", "cli", "plan"},
    "sources": {"reports", "web", "cli", "plan"},
    "reports": {"sources", "web", "cli"},
    "web": {"cli"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "ivp" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_dependencies_point_one_way() -> None:
    violations = []
    for area, forbidden in FORBIDDEN.items():
        base = SRC / area
        files = list(base.rglob("*.py")) if base.is_dir() else [SRC / f"{area}.py"]
        for file in files:
            if not file.exists():
                continue
            bad = _imports(file) & forbidden
            if bad:
                violations.append(f"{file.relative_to(SRC)} imports {sorted(bad)}")
    assert violations == []


def test_the_check_sees_a_violation(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from ivp.cli import main\nimport ivp.web.x\n")
    assert _imports(module) == {"cli", "web"}
