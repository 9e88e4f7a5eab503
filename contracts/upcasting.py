"""Upcasters: how an old version of an event's payload becomes the current one.

The log is never rewritten. When an event type gets a version 2, register a function
that turns a version-1 payload (a plain JSON object) into a version-2 one, and bump
``CURRENT_VERSIONS``. Readers always see the current version.
"""

from collections.abc import Callable
from typing import Any

__all__ = ["UpcastError", "Upcaster", "register", "upcast"]

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

_UPCASTERS: dict[tuple[str, int], Upcaster] = {}


class UpcastError(ValueError):
    """An event's version cannot be brought to the current one."""


def register(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register ``fn`` as the step from ``from_version`` to ``from_version + 1``."""

    def wrap(fn: Upcaster) -> Upcaster:
        _UPCASTERS[(event_type, from_version)] = fn
        return fn

    return wrap


def upcast(event_type: str, version: int, payload: dict[str, Any], target: int) -> dict[str, Any]:
    """Apply the registered steps until ``payload`` is at version ``target``."""
    if version > target:
        raise UpcastError(f"{event_type} v{version} is newer than this reader (v{target})")
    while version < target:
        step = _UPCASTERS.get((event_type, version))
        if step is None:
            raise UpcastError(f"no upcaster for {event_type} v{version}")
        payload = step(dict(payload))
        version += 1
    return payload


@register("session.disconnected", 1)
def _disconnected_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    # v2 only widened ``reason`` (client_outdated, worker_crashed): a v1 payload is valid v2.
    return payload


@register("session.disconnected", 2)
def _disconnected_v2_to_v3(payload: dict[str, Any]) -> dict[str, Any]:
    # v3 only widened ``reason`` (worker_hung, worker_recycled): a v2 payload is valid v3.
    return payload


@register("message.received", 1)
@register("message.queued", 1)
def _no_media_before_v2(payload: dict[str, Any]) -> dict[str, Any]:
    return payload  # v2 only added ``media``, None by default


@register("message.received", 2)
@register("message.queued", 2)
def _plain_before_v3(payload: dict[str, Any]) -> dict[str, Any]:
    return payload  # v3 only added replies, locations and contact cards, None by default
