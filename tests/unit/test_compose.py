"""docker-compose.yml (scale-out), docker-compose.single.yml (single node) and the Dockerfile,
parsed and checked: every service, port, volume and setting they name exists, and the NATS
cluster is wired as a cluster."""

import re
import tomllib

import pytest

from cli.nats_node import ROUTE_PASSWORD, password_variable
from runtime.nats_auth.permissions import SERVICE_USERS
from runtime.settings import Settings, load_settings
from tests.support.compose import ROOT, ComposeFile, Service, url_endpoints

SCALE_OUT, SINGLE = "docker-compose.yml", "docker-compose.single.yml"
MODULES = {
    "services.session",
    "services.store",
    "services.reminder",
    "services.webhooks",
    "services.gateway",
}
NATS_CLIENT_PORT, POSTGRES_PORT = 4222, 5432


@pytest.fixture(params=[SCALE_OUT, SINGLE])
def compose(request: pytest.FixtureRequest) -> ComposeFile:
    return ComposeFile.load(request.param)


def python_services(compose: ComposeFile) -> list[Service]:
    return [s for s in compose.services.values() if s.module]


def test_every_python_service_module_exists(compose: ComposeFile) -> None:
    for service in python_services(compose):
        module = str(service.module)
        assert (ROOT / module.replace(".", "/") / "__main__.py").exists(), (service.name, module)
    assert {s.module for s in python_services(compose)} == MODULES


def test_every_wa_setting_is_a_known_setting_and_parses(compose: ComposeFile) -> None:
    fields = {f"WA_{name.upper()}" for name in Settings.__struct_fields__}
    for service in python_services(compose):
        unknown = {key for key in service.env if key.startswith("WA_")} - fields
        assert not unknown, (service.name, unknown)
        load_settings(service.env)  # every value converts to its field's type


def created_databases(compose: ComposeFile) -> set[str]:
    postgres = compose.services["postgres"]
    names = {postgres.env.get("POSTGRES_DB", postgres.env.get("POSTGRES_USER", "postgres"))}
    for source, target in postgres.mounts:
        if target.startswith("/docker-entrypoint-initdb.d/"):
            sql = (compose.path.parent / source).read_text()
            names |= set(re.findall(r"CREATE DATABASE (\w+)", sql))
    return names


def test_every_url_reaches_a_compose_service_on_its_port(compose: ComposeFile) -> None:
    services = compose.services
    for service in python_services(compose):
        for key, value in service.env.items():
            if "://" not in value:
                continue
            for host, port, path in url_endpoints(value):
                assert host in services, (service.name, key, host)
                if services[host].is_nats:
                    assert port == NATS_CLIENT_PORT and "--port" not in services[host].flags()
                    assert "@" not in value, (service.name, "a password in a URL")
                elif host == "postgres":
                    assert port == POSTGRES_PORT, (service.name, key)
                    assert path.split("?")[0] in created_databases(compose), (service.name, key)


def test_every_dependency_exists_and_can_be_waited_for(compose: ComposeFile) -> None:
    services = compose.services
    for service in services.values():
        for target, condition in service.depends_on.items():
            assert target in services, (service.name, target)
            if condition == "service_healthy":
                assert "healthcheck" in services[target].spec, (service.name, target)


def test_published_ports_do_not_collide(compose: ComposeFile) -> None:
    ports = [port for s in compose.services.values() for port in s.host_ports]
    assert ports and len(ports) == len(set(ports)), sorted(ports)


def test_volumes_are_declared_and_host_paths_exist(compose: ComposeFile) -> None:
    for service in compose.services.values():
        for source, _ in service.mounts:
            if source.startswith((".", "/")):
                assert (compose.path.parent / source).exists(), (service.name, source)
            else:
                assert source in compose.named_volumes, (service.name, source)


def test_services_reach_every_node_with_matching_replicas(compose: ComposeFile) -> None:
    nodes = {s.name for s in compose.nats_nodes}
    for service in python_services(compose):
        hosts = {host for host, _, _ in url_endpoints(service.env["WA_NATS_URL"])}
        assert hosts == nodes, service.name
        assert load_settings(service.env).stream_replicas == len(nodes), service.name


def test_the_cluster_routes_point_at_each_other() -> None:
    nodes = {s.name: s.flags() for s in ComposeFile.load(SCALE_OUT).nats_nodes}
    assert len(nodes) == 3
    assert len({flags["--name"] for flags in nodes.values()}) == 3, "server names must differ"
    assert len({flags["--cluster-name"] for flags in nodes.values()}) == 1
    for name, flags in nodes.items():
        assert flags["--store-dir"] and flags["--replicas"] == "3", name
        routes = {(host, port) for host, port, _ in url_endpoints(flags["--routes"])}
        listen = int(flags["--cluster-listen"].rsplit(":", 1)[1])
        assert routes == {(node, listen) for node in nodes}, name


def test_nats_keeps_its_store_in_a_volume(compose: ComposeFile) -> None:
    for node in compose.nats_nodes:
        targets = {target for _, target in node.mounts}
        assert node.flags()["--store-dir"] in targets, node.name


def test_the_single_node_variant_is_one_of_everything() -> None:
    single = ComposeFile.load(SINGLE)
    assert len(single.nats_nodes) == 1
    assert "--routes" not in single.nats_nodes[0].flags()
    assert "--cluster-name" not in single.nats_nodes[0].flags()
    for module in MODULES:
        assert len(single.running(module)) == 1, module


def test_scale_out_replicas_have_distinct_identities() -> None:
    compose = ComposeFile.load(SCALE_OUT)
    for module in MODULES:
        replicas = compose.running(module)
        assert len(replicas) >= 2, module
        if module in ("services.session", "services.reminder", "services.store"):
            ids = [r.env.get("WA_INSTANCE_ID") for r in replicas]
            assert all(ids) and len(set(ids)) == len(ids), (module, ids)
    sessions = compose.running("services.session")
    data = [dict((t, s) for s, t in r.mounts).get("/data") for r in sessions]
    assert all(data) and len(set(data)) == len(data), "each session replica owns its data"
    shared = [dict((t, s) for s, t in r.mounts).get("/data/simulator") for r in sessions]
    assert len(set(shared)) == 1 and shared[0], "the simulator's WhatsApp server is shared"
    # Store replicas share one database; the projector lease, not the file, says who projects.
    stores = compose.running("services.store")
    assert {load_settings(s.env).db_url("store") for s in stores} == {
        load_settings(stores[0].env).db_url("store")
    }


def test_scale_out_keeps_tables_in_postgres() -> None:
    for service in python_services(ComposeFile.load(SCALE_OUT)):
        settings = load_settings(service.env)
        for name in ("store", "reminder", "webhooks"):
            assert settings.db_url(name).startswith("postgresql+asyncpg://"), service.name


def test_the_dockerfile_copies_what_exists_and_every_package() -> None:
    copies = re.findall(r"^COPY\s+(.+?)\s+\S+\s*$", (ROOT / "Dockerfile").read_text(), re.M)
    sources = {src for line in copies for src in line.split()}
    for source in sources:
        assert (ROOT / source).exists(), source
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    assert {p.rstrip("*") for p in packages} <= sources


def test_the_bus_is_locked_and_not_published(compose: ComposeFile) -> None:
    """No NATS port on the host (or only on loopback); each service its own NATS user, with
    a password from the operator's environment; every node knows every service user's."""
    for node in compose.nats_nodes:
        for port in node.spec.get("ports") or []:
            assert str(port).startswith("127.0.0.1:"), (node.name, port)
        wanted = {password_variable(user) for user in SERVICE_USERS}
        assert wanted <= set(node.env), node.name
        assert all(node.env[name] == "set-by-operator" for name in wanted), node.name
        if "--cluster-name" in node.flags():
            assert node.env[ROUTE_PASSWORD] == "set-by-operator", node.name
    for service in python_services(compose):
        user = service.module.rsplit(".", 1)[1] if service.module else ""
        assert service.env.get("WA_NATS_USER") == user, service.name
        assert service.env.get("WA_NATS_PASSWORD") == "set-by-operator", service.name
        assert service.spec["environment"]["WA_NATS_PASSWORD"] == (
            f"${{{password_variable(user)}:?run wa bus-secrets > .env}}"
        ), service.name
