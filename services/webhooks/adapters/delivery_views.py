"""Rows of the delivery log as the contracts' views."""

from datetime import UTC, datetime

from sqlalchemy.engine import RowMapping

from contracts.webhooks import AttemptView, DeliveryView

__all__ = ["attempt_view", "delivery_view"]


def _time(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)


def attempt_view(row: RowMapping) -> AttemptView:
    return AttemptView(
        number=row["number"],
        started_at=datetime.fromtimestamp(row["started_ms"] / 1000, UTC),
        duration_ms=row["duration_ms"],
        status_code=row["status_code"],
        error=row["error"],
    )


def delivery_view(row: RowMapping, tried: list[AttemptView]) -> DeliveryView:
    return DeliveryView(
        id=row["id"],
        webhook_id=row["webhook_id"],
        event_id=row["event_id"],
        event_type=row["event_type"],
        session=row["session"],
        sequence=row["sequence"],
        status=row["status"],
        attempts=tried,
        next_attempt_at=_time(row["next_attempt_ms"]) if row["status"] == "pending" else None,
        created_at=datetime.fromtimestamp(row["created_ms"] / 1000, UTC),
        delivered_at=_time(row["delivered_ms"]),
    )
