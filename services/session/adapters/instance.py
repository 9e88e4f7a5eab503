"""This instance's id: WA_INSTANCE_ID, or one generated once and kept in the data folder, so a
restarted instance finds its own leases and takes them back at once."""

from pathlib import Path

from runtime import instance_id as ids

__all__ = ["instance_id"]


def instance_id(configured: str, data_dir: Path) -> str:
    return ids.instance_id(configured, data_dir / "session-instance-id")
