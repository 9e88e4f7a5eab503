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
NOT_YET: dict[str, str] = {  # path: why it still fails (issue 19); strict: drop it once it passes
    "services/gateway/service_layer/conversation.py": "reads the store through the app's keys "
    "(services.gateway.http.keys holds the NATS Backends and JetStream clients): needs a port",
    "services/gateway/service_layer/created.py": "takes adapters.backends.Backends (NATS "
    "request/reply): needs a port of the session service and the store",
    "services/gateway/service_layer/media_fetch.py": "reaches the object store and the quota "
    "through the app's keys: needs ports of runtime.media",
    "services/gateway/service_layer/outgoing_media.py": "takes runtime.media.store.MediaStore "
    "(a JetStream object store): needs an object-store port",
    "services/gateway/service_layer/uploads.py": "takes MediaStore and MediaUsage (JetStream "
    "object store and KV): needs ports of runtime.media",
}


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
def test_a_service_layer_reaches_no_sqlalchemy_nats_or_neonize(
    path: Path, request: pytest.FixtureRequest
) -> None:
    relative = str(path.relative_to(ROOT))
    if relative in NOT_YET:
        request.applymarker(pytest.mark.xfail(reason=NOT_YET[relative], strict=True))
    assert sorted(_reaches(path)) == []


def test_the_scan_sees_an_adapter_import() -> None:
    adapter = ROOT / "services/reminder/adapters/reminders_db.py"
    assert any(found.startswith("sqlalchemy") for found in _reaches(adapter))
