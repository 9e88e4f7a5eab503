"""The webhook and the delivery as the service's core sees them; times are Unix milliseconds."""

from dataclasses import dataclass

__all__ = ["AttemptOutcome", "DueDelivery", "QueuedDelivery", "Webhook", "routes_to"]


@dataclass(frozen=True, kw_only=True)
class Webhook:
    id: str
    tenant: str
    url: str
    events: list[str]
    session_id: str | None
    secret: str
    created_ms: int
    updated_ms: int


@dataclass(frozen=True, kw_only=True)
class QueuedDelivery:
    """An event queued for one webhook: pending, first due at once (``created_ms``)."""

    id: str
    webhook_id: str
    tenant: str
    session: str
    event_id: str
    event_type: str
    sequence: int
    body: bytes
    created_ms: int


@dataclass(frozen=True, kw_only=True)
class DueDelivery(QueuedDelivery):
    """The head of one lane (webhook, session): the oldest delivery still pending, with its
    webhook's target and secret."""

    attempts: int
    round_start: int
    next_attempt_ms: int
    url: str
    secret: str

    @property
    def lane(self) -> tuple[str, str]:
        return (self.webhook_id, self.session)

    @property
    def attempts_this_round(self) -> int:
        return self.attempts - self.round_start


@dataclass(frozen=True, kw_only=True)
class AttemptOutcome:
    """One HTTP attempt: a status code, or an error (timeout, connection refused, …)."""

    started_ms: int
    duration_ms: int
    status_code: int | None = None
    error: str | None = None


def routes_to(webhook: Webhook, *, tenant: str, session: str, event_type: str) -> bool:
    """Whether an event of ``tenant``/``session`` of this type goes to ``webhook``."""
    family = event_type.split(".", 1)[0]
    return (
        webhook.tenant == tenant
        and webhook.session_id in (None, session)
        and any(p in ("*", event_type, f"{family}.*") for p in webhook.events)
    )
