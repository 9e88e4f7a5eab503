"""Times a reminder or appointment is scheduled for: representable in UTC, and not further
ahead than ``max_schedule_ahead_s``. (Whether they are in the future is the reminder
service's call, on its own clock.)"""

from datetime import UTC, datetime, timedelta

from aiohttp import web

from services.gateway.http.errors import ApiError
from services.gateway.http.keys import SETTINGS

__all__ = ["check_schedule"]

CENTURY_S = 100 * 366 * 86400.0  # the horizon's cap: datetime arithmetic stays in range


def check_schedule(request: web.Request, field: str, when: datetime | None) -> None:
    """422 ``validation_failed`` for a time outside what UTC can hold (``9999-12-31T23:59:59
    -00:01``), 422 ``too_far_ahead`` beyond the horizon."""
    if when is None:
        return
    try:
        utc = when.astimezone(UTC)
    except OverflowError as exc:
        raise ApiError(
            422,
            "validation_failed",
            f"{field} is out of range once converted to UTC",
            {"field": field},
        ) from exc
    ahead = min(request.app[SETTINGS].max_schedule_ahead_s, CENTURY_S)
    latest = datetime.now(UTC) + timedelta(seconds=ahead)
    if utc > latest:
        raise ApiError(
            422,
            "too_far_ahead",
            f"{field} is more than {ahead / 86400:g} days ahead",
            {"field": field, "latest": latest.isoformat()},
        )
