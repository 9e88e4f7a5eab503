"""The bcrypt cost comes from WA_BCRYPT_ROUNDS, read once at import: the service users' hashes
follow it (the tests' throwaway buses use 4); tenants' issued credentials never go below 10."""

import os
import subprocess
import sys

import pytest

from runtime.nats_auth.users import bcrypt_rounds

PROBE = """
from runtime.nats_auth.credentials import Credentials, service_server_users
from runtime.nats_auth.users import ISSUED_ROUNDS, hash_password
[user] = service_server_users({"store": Credentials(user="store", password="p")})
print(user.password_hash[:7], hash_password("p", ISSUED_ROUNDS)[:7])
"""


def hashes_made_with(rounds: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "WA_BCRYPT_ROUNDS"}
    if rounds is not None:
        env["WA_BCRYPT_ROUNDS"] = rounds
    found = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=False
    )
    assert found.returncode == 0, found.stderr
    return found.stdout.strip()


def test_the_service_users_follow_the_setting_and_issued_credentials_keep_the_floor() -> None:
    assert hashes_made_with(None) == "$2a$10$ $2a$10$"
    assert hashes_made_with("5") == "$2a$05$ $2a$10$"
    assert hashes_made_with("11") == "$2a$11$ $2a$11$"


@pytest.mark.parametrize("value", ["3", "32", "ten", "-4"])
def test_a_cost_bcrypt_cannot_use_is_refused_clearly(value: str) -> None:
    with pytest.raises(ValueError, match="WA_BCRYPT_ROUNDS"):
        bcrypt_rounds({"WA_BCRYPT_ROUNDS": value})
