"""Client credentials: a user name and password per service, kept as 0600 files in a 0700
folder under the data dir, where the services and the ``wa`` tools find them."""

from pathlib import Path

import msgspec

from runtime.nats_auth.permissions import SERVICE_USERS, inbox_prefix, service_permissions
from runtime.nats_auth.users import (
    SERVICE_ROUNDS,
    ServerUser,
    hash_password,
    new_password,
    write_private,
)
from runtime.settings import Settings

__all__ = [
    "Credentials",
    "client_credentials",
    "credentials_dir",
    "ensure_service_credentials",
    "read_credentials",
    "service_server_users",
]


class Credentials(msgspec.Struct, frozen=True, kw_only=True):
    user: str
    password: str

    @property
    def inbox_prefix(self) -> str:
        return inbox_prefix(self.user)

    def __repr__(self) -> str:  # never the password, in a log line or a traceback
        return f"Credentials(user={self.user!r})"


_decoder = msgspec.json.Decoder(Credentials)


def credentials_dir(data_dir: str | Path) -> Path:
    return Path(data_dir) / "credentials"


def read_credentials(path: Path) -> Credentials:
    return _decoder.decode(path.read_bytes())


def client_credentials(settings: Settings, user: str) -> Credentials | None:
    """Explicit user and password, else a credentials file, else ``<data_dir>/credentials/
    <user>.json`` (what ``wa up`` makes); None: connect anonymously (a server without auth)."""
    if settings.nats_user:
        return Credentials(user=settings.nats_user, password=settings.nats_password)
    if settings.nats_credentials_file:
        return read_credentials(Path(settings.nats_credentials_file))
    default = credentials_dir(settings.data_dir) / f"{user}.json"
    return read_credentials(default) if default.exists() else None


def ensure_service_credentials(data_dir: str | Path) -> dict[str, Credentials]:
    """Every service user's credentials, made on first start and reused after."""
    folder = credentials_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    found: dict[str, Credentials] = {}
    for user in SERVICE_USERS:
        path = folder / f"{user}.json"
        if not path.exists():
            write_private(
                path, msgspec.json.encode(Credentials(user=user, password=new_password()))
            )
        found[user] = read_credentials(path)
    return found


def service_server_users(credentials: dict[str, Credentials]) -> list[ServerUser]:
    return [
        ServerUser(
            user=name,
            password_hash=hash_password(creds.password, SERVICE_ROUNDS),
            permissions=service_permissions(name),
        )
        for name, creds in credentials.items()
    ]
