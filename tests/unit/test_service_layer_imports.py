"""A service layer depends on ports only: no module it imports, directly or through our own
packages, imports SQLAlchemy, nats or neonize (those belong in adapters/ and bootstrap)."""

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = ("contracts", "runtime", "services", "cli")
FORBIDDEN = frozenset({"sqlalchemy", "nats", "neonize"})
LAYERS = sorted(p for p in ROOT.glob("services/*/service_layer/**/*.py"))


def _module_file(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported(path: Path) -> set[str]:
    """Dotted names imported by the file (``from a import b``: both ``a`` and ``a.b``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@cache
def _reaches(path: Path) -> frozenset[str]:
    """The forbidden packages ``path`` reaches, each with the chain that leads there."""
    found: set[str] = set()
    seen: set[Path] = set()
    todo = [(path, str(path.relative_to(ROOT)))]
    while todo:
        current, chain = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for name in _imported(current):
            top = name.split(".")[0]
            if top in FORBIDDEN:
                found.add(f"{top} via {chain}")
            elif top in OURS and (target := _module_file(name)) is not None:
                todo.append((target, f"{chain} -> {name}"))
    return frozenset(found)


@pytest.mark.parametrize("path", LAYERS, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_service_layer_reaches_no_sqlalchemy_nats_or_neonize(path: Path) -> None:
    assert sorted(_reaches(path)) == []


def test_the_scan_sees_an_adapter_import() -> None:
    adapter = ROOT / "services/reminder/adapters/reminders_db.py"
    assert any(found.startswith("sqlalchemy") for found in _reaches(adapter))
