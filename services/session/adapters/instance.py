"""This instance's id: WA_INSTANCE_ID, or one generated once and kept in the data folder, so a
restarted instance finds its own leases and takes them back at once."""

import secrets
from pathlib import Path

__all__ = ["instance_id"]


def instance_id(configured: str, data_dir: Path) -> str:
    if configured:
        return configured
    path = data_dir / "session-instance-id"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = "inst-" + secrets.token_hex(6)
    path.write_text(value)
    return value
