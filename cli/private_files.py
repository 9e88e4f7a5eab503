"""The data dir holds secrets (webhook secrets, session keys, credentials): it and everything
under it is for the stack's own user only."""

import os
from pathlib import Path

__all__ = ["PRIVATE_UMASK", "make_private"]

PRIVATE_UMASK = 0o077  # new files 0600, new directories 0700


def make_private(data_dir: Path) -> None:
    """Sets this process's umask (inherited by the children it starts), creates ``data_dir``
    0700 and takes group and other permissions off whatever is already under it."""
    os.umask(PRIVATE_UMASK)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    for root, dirs, files in os.walk(data_dir):
        for name in dirs + files:
            path = Path(root) / name
            if not path.is_symlink():
                mode = path.stat().st_mode & 0o7777
                if mode & 0o077:
                    path.chmod(mode & ~0o077)
