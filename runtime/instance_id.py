"""An instance's id: the configured one (WA_INSTANCE_ID), or one generated once and kept in a
file of its data folder, so a restarted instance finds its own leases and takes them back at
once, and two instances on two data folders never share an id by default."""

import secrets
from pathlib import Path

__all__ = ["instance_id"]


def instance_id(configured: str, path: Path, *, first: str | None = None) -> str:
    """``configured``, else the id kept in ``path``; else ``first`` (or a generated one),
    kept there from now on."""
    if configured:
        return configured
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = first or "inst-" + secrets.token_hex(6)
    path.write_text(value)
    return value
