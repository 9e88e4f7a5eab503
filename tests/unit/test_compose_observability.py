"""docker-compose.yml's optional ``observability`` profile, parsed and checked: Prometheus
scrapes every gateway's /metrics on the port it listens on, Grafana loads the data source and
the wa-platform dashboard from deploy/, both on loopback only, and the default stack (no
profile) is the same as without them."""

from typing import Any

import yaml

from runtime.settings import load_settings
from services.gateway.routes import docs
from tests.support.compose import ComposeFile, Service, url_endpoints

PROFILE = "observability"
PROMETHEUS_PORT = 9090


def compose() -> ComposeFile:
    return ComposeFile.load("docker-compose.yml")


def mounted(service: Service, target: str) -> Any:
    """The host file or folder mounted at ``target`` (asserted to be one of ours in deploy/)."""
    [source] = [source for source, t in service.mounts if t == target]
    assert source.startswith("./deploy/"), (service.name, source)
    return compose().path.parent / source


def test_the_profile_holds_prometheus_and_grafana_and_nothing_else_needs_it() -> None:
    services = compose().services
    assert {s.name for s in compose().in_profile(PROFILE)} == {"prometheus", "grafana"}
    assert all(not s.profiles for s in services.values() if s.name not in {"prometheus", "grafana"})
    for service in compose().in_profile(PROFILE):
        assert all(str(p).startswith("127.0.0.1:") for p in service.spec["ports"]), service.name
        assert all(t in services for t in service.depends_on), service.name


def test_prometheus_scrapes_every_gateway_on_its_port_and_metrics_route() -> None:
    prometheus = compose().services["prometheus"]
    config = yaml.safe_load(mounted(prometheus, "/etc/prometheus/prometheus.yml").read_text())
    assert "--config.file=/etc/prometheus/prometheus.yml" in prometheus.spec["command"]
    [job] = config["scrape_configs"]
    served = {(op.method, op.path, op.auth) for op in docs.ops.items}
    assert ("GET", job["metrics_path"], "none") in served  # no key needed to scrape
    targets = {t for group in job["static_configs"] for t in group["targets"]}
    gateways = compose().running("services.gateway")
    port = {load_settings(g.env).gateway_port for g in gateways}
    assert targets == {f"{g.name}:{p}" for g in gateways for p in port}


def test_grafana_provisions_the_data_source_and_loads_the_dashboard_from_deploy() -> None:
    grafana = compose().services["grafana"]
    provisioning = mounted(grafana, "/etc/grafana/provisioning")
    [source] = yaml.safe_load((provisioning / "datasources/prometheus.yml").read_text())[
        "datasources"
    ]
    [(host, port, _)] = url_endpoints(source["url"])
    assert (host, port) == ("prometheus", PROMETHEUS_PORT) and host in compose().services
    [provider] = yaml.safe_load((provisioning / "dashboards/wa-platform.yml").read_text())[
        "providers"
    ]
    dashboards = mounted(grafana, provider["options"]["path"])
    assert (dashboards / "wa-platform.json").is_file()
    home = grafana.env["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == provider["options"]["path"] + "/wa-platform.json"
