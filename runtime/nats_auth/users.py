"""The server's user list: bcrypt hashes and permissions, rendered as a NATS config include.

NATS config is a superset of JSON, so the include is written as JSON: no quoting rules of ours."""

import os
import secrets
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import bcrypt
import msgspec

from runtime.nats_auth.permissions import Permissions

__all__ = [
    "BCRYPT_ROUNDS", "ISSUED_ROUNDS", "SERVICE_ROUNDS", "ServerUser", "bcrypt_rounds",
    "hash_password", "new_password", "render_users", "write_private",
]  # fmt: skip

BCRYPT_ROUNDS = 10  # the cost of a hash: nats-server pays it again on every connect


def bcrypt_rounds(environ: Mapping[str, str]) -> int:
    """``WA_BCRYPT_ROUNDS`` (bcrypt's 4 to 31), else ``BCRYPT_ROUNDS``."""
    value = environ.get("WA_BCRYPT_ROUNDS", "").strip()
    if not value:
        return BCRYPT_ROUNDS
    if not value.isdigit() or not 4 <= int(value) <= 31:
        raise ValueError(f"WA_BCRYPT_ROUNDS must be a whole number from 4 to 31, not {value!r}")
    return int(value)


# Read once, at import. The service users' passwords are random and never leave their host: a
# throwaway bus (the tests') may hash them at a lower cost. Credentials issued to tenants never
# go below the default.
SERVICE_ROUNDS = bcrypt_rounds(os.environ)
ISSUED_ROUNDS = max(BCRYPT_ROUNDS, SERVICE_ROUNDS)


class ServerUser(msgspec.Struct, frozen=True, kw_only=True):
    user: str
    password_hash: str  # bcrypt; the server never sees the password itself on disk
    permissions: Permissions | None  # None: every subject (the operator)


def new_password() -> str:
    return "nats_" + secrets.token_urlsafe(32)


def hash_password(password: str, rounds: int) -> str:
    """bcrypt at cost ``rounds`` with the ``$2a$`` prefix, the form nats-server recognises."""
    salt = bcrypt.gensalt(rounds=rounds, prefix=b"2a")
    return bcrypt.hashpw(password.encode(), salt).decode()


def _entry(user: ServerUser) -> dict[str, object]:
    entry: dict[str, object] = {"user": user.user, "password": user.password_hash}
    if user.permissions is not None:
        perms = user.permissions
        entry["permissions"] = {
            "publish": {"allow": list(perms.publish)},
            "subscribe": {"allow": list(perms.subscribe)},
            **({"allow_responses": True} if perms.allow_responses else {}),
        }
    return entry


def render_users(users: Iterable[ServerUser]) -> bytes:
    """The ``authorization`` block: only these users may connect; nobody anonymously."""
    ordered = sorted(users, key=lambda u: u.user)
    return msgspec.json.format(
        msgspec.json.encode({"authorization": {"users": [_entry(u) for u in ordered]}})
    )


def write_private(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically with a file only its owner can read (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
