"""No password in either compose file has a default: each one compose needs is required
(``${X:?…}``), and ``wa bus-secrets`` makes every one of them but the admin token, which the
operator chooses."""

import argparse
import re
import string

import pytest

from cli.nats_node import print_secrets
from tests.support.compose import ROOT, VARIABLE

COMPOSE_FILES = ("docker-compose.yml", "docker-compose.single.yml")
SECRET_NAME = re.compile(r"PASSWORD|TOKEN|SECRET|_KEY\b")
CHOSEN_BY_OPERATOR = {"WA_ADMIN_TOKEN"}
URL_SAFE = set(string.ascii_letters + string.digits + "-_")


def _variables(name: str) -> list[tuple[str, str]]:
    text = (ROOT / name).read_text()
    return [(var, op or "") for var, op, _ in VARIABLE.findall(text)]


def _made(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    assert print_secrets(argparse.Namespace()) == 0
    lines = capsys.readouterr().out.splitlines()
    return dict(line.split("=", 1) for line in lines)


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_no_secret_has_a_default(name: str) -> None:
    secrets = [(var, op) for var, op in _variables(name) if SECRET_NAME.search(var)]
    assert secrets, name
    defaulted = sorted({var for var, op in secrets if not op.endswith("?")})
    assert defaulted == [], f"{name}: a default password is a known password: {defaulted}"


def test_bus_secrets_makes_every_secret_compose_requires(
    capsys: pytest.CaptureFixture[str],
) -> None:
    made = _made(capsys)
    required = {
        var
        for name in COMPOSE_FILES
        for var, op in _variables(name)
        if op.endswith("?") and SECRET_NAME.search(var)
    }
    assert {"POSTGRES_PASSWORD", "GRAFANA_ADMIN_PASSWORD"} <= required
    assert required - CHOSEN_BY_OPERATOR <= set(made), required - CHOSEN_BY_OPERATOR - set(made)
    for var, value in made.items():
        assert len(value) >= 32 and set(value) <= URL_SAFE, var  # safe inside a database URL
    assert len(set(made.values())) == len(made)  # each its own


def test_each_run_makes_new_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    first, second = _made(capsys), _made(capsys)
    assert first.keys() == second.keys()
    assert all(first[var] != second[var] for var in first)
