"""deploy/grafana's dashboard and deploy/prometheus's configuration: the dashboard parses, every
panel's query names only metrics the gateway's /metrics exports (the names come from its
registry, filled as a scrape fills it), and each figure the operators asked for has a panel."""

import json
import re
from typing import Any

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from contracts.queries import Stats
from services.gateway.http.metrics import GatewayMetrics
from tests.support.compose import ROOT

DASHBOARD = ROOT / "deploy/grafana/dashboards/wa-platform.json"
PROVISIONING = ROOT / "deploy/grafana/provisioning"
PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool",
                "and", "or", "unless", "inf", "nan"}  # fmt: skip


def exported_names() -> set[str]:
    """Every sample name /metrics renders once each of its figures has a value."""
    metrics = GatewayMetrics()
    metrics.observe("GET", "/v1/sessions", 200, 0.01)
    metrics.event_streams.set(1)
    metrics.record_stats(Stats(
        sessions_by_status={"connected": 1}, messages_by_status={"sent": 1},
        reminders_by_status={"deferred": 1}, reconnect_attempts=1, events_projected=1,
    ))  # fmt: skip
    metrics.record_log_position(2)
    metrics.record_deliveries({"dead": 1})
    families = text_string_to_metric_families(metrics.render().decode())
    return {sample.name for family in families for sample in family.samples}


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (not functions, labels, keywords, ranges)."""
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)  # strings
    bare = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", bare)  # label matchers, ranges
    bare = re.sub(r"\b(?:by|without|on|ignoring)\s*\([^)]*\)", "", bare)  # grouping labels
    found = re.findall(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()", bare)
    return {name for name in found if name.lower() not in PROMQL_WORDS}


def panels() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(DASHBOARD.read_text())["panels"]
    return found


def test_the_dashboard_parses_and_its_panels_are_distinct_and_placed() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] == "wa-platform" and dashboard["panels"]
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        assert panel["targets"] and set(panel["gridPos"]) == {"x", "y", "w", "h"}, panel["title"]
        assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24, panel["title"]


@pytest.mark.parametrize("panel", panels(), ids=lambda p: p["title"])
def test_every_query_names_a_metric_the_gateway_exports(panel: dict[str, Any]) -> None:
    exported = exported_names()
    for target in panel["targets"]:
        names = metric_names(target["expr"])
        assert names and names <= exported, (target["expr"], names - exported)


def test_the_parser_finds_metric_names_only() -> None:
    assert metric_names(
        'histogram_quantile(0.95, sum by (le, route) (rate(x_bucket{a="b c"}[5m]))) - max(y)'
    ) == {"x_bucket", "y"}
    assert "wa_http_requests_total" in exported_names()  # a counter's sample name


@pytest.mark.parametrize("wanted", [
    "wa_sessions", "wa_events_published", "wa_events_projected", "wa_sends",
    "wa_reconnect_attempts", "wa_reminders", "wa_webhook_deliveries",
])  # fmt: skip
def test_each_figure_the_operators_asked_for_has_a_panel(wanted: str) -> None:
    read = {name for p in panels() for t in p["targets"] for name in metric_names(t["expr"])}
    assert wanted in read


def test_the_panels_read_the_provisioned_data_source() -> None:
    [source] = yaml.safe_load((PROVISIONING / "datasources/prometheus.yml").read_text())[
        "datasources"
    ]
    for panel in panels():
        assert panel["datasource"]["uid"] == source["uid"], panel["title"]
        assert all(t["datasource"]["uid"] == source["uid"] for t in panel["targets"])
