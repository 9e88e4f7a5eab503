"""docker-compose.yml is parsed and checked: every service it names exists and every
setting it passes is one the services read."""

from pathlib import Path

import yaml

from runtime.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, dict[str, object]]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services: dict[str, dict[str, object]] = data["services"]
    return services


def test_every_python_service_module_exists() -> None:
    seen = set()
    for name, spec in compose().items():
        command = spec.get("command")
        if isinstance(command, list) and command[:2] == ["python", "-m"]:
            module = command[2]
            assert (ROOT / module.replace(".", "/") / "__main__.py").exists(), (name, module)
            seen.add(module)
    assert {"services.session", "services.store", "services.reminder", "services.gateway"} <= seen


def test_every_wa_setting_is_a_known_setting() -> None:
    fields = {f"WA_{name.upper()}" for name in Settings.__struct_fields__}
    for name, spec in compose().items():
        env = spec.get("environment") or {}
        assert isinstance(env, dict)
        unknown = {key for key in env if key.startswith("WA_")} - fields
        assert not unknown, (name, unknown)


def test_services_reach_nats_by_a_service_name_that_exists() -> None:
    services = compose()
    for name, spec in services.items():
        env = spec.get("environment") or {}
        assert isinstance(env, dict)
        url = str(env.get("WA_NATS_URL", ""))
        for server in filter(None, url.split(",")):
            host = server.split("://", 1)[1].split(":", 1)[0]
            assert host in services, (name, host)
