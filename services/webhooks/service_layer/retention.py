"""Keeps the delivery log bounded: delivered entries leave it after the retention period."""

import asyncio
import contextlib
import time
from typing import Any

from runtime.logging import get_logger
from services.webhooks.service_layer.ports import Clock, Deliveries

__all__ = ["prune_delivered"]

log = get_logger(__name__)


async def prune_delivered(
    deliveries: Deliveries[Any],
    retention_s: float,
    stop: asyncio.Event,
    *,
    clock: Clock = time.time,
) -> None:
    """Every ``min(60 s, retention / 2)``, forget what was delivered before the retention."""
    every_s = min(60.0, max(0.1, retention_s / 2))
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_s)
        try:
            gone = await deliveries.prune_delivered(int((clock() - retention_s) * 1000))
        except Exception:
            log.exception("webhooks.prune_failed")
            continue
        if gone:
            log.info("webhooks.log_pruned", deliveries=gone)
