"""Operators' counters (prometheus_client), one registry per service instance."""

from prometheus_client import CollectorRegistry, Counter

__all__ = ["ReminderMetrics"]


class ReminderMetrics:
    """Reminders by outcome; ``failed`` carries the reason code (stale, send_failed, …)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.sent = Counter("wa_reminders_sent", "Reminders sent", registry=self.registry)
        self.failed = Counter(
            "wa_reminders_failed", "Reminders failed", ["reason"], registry=self.registry
        )
        self.deferred = Counter(
            "wa_reminders_deferred", "Reminders deferred (session down)", registry=self.registry
        )
        self.whatsapp_sends = Counter(
            "wa_reminder_send_commands", "SendText commands issued", registry=self.registry
        )
