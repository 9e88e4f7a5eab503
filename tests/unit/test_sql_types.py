"""Timestamps: stored as UTC, read back aware, naive ones refused (pure type behaviour)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import sqlite

from runtime.sql.types import UtcDateTime

DIALECT = sqlite.dialect()


def test_aware_times_are_stored_as_utc_and_read_back_aware() -> None:
    cairo = datetime(2026, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    stored = UtcDateTime().process_bind_param(cairo, DIALECT)
    assert stored == datetime(2026, 5, 1, 12, 0)
    back = UtcDateTime().process_result_value(stored, DIALECT)
    assert back == cairo and back is not None and back.tzinfo is UTC


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        UtcDateTime().process_bind_param(datetime(2026, 5, 1), DIALECT)
