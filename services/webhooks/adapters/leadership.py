"""The webhooks dispatcher's lease: one key in its own NATS KV bucket (runtime/leadership.py)."""

from nats.js import JetStreamContext

from runtime.leadership import KeyLeadership
from runtime.nats_leases import open_leadership

__all__ = ["BUCKET", "KEY", "dispatcher_leadership"]

BUCKET = "wa_webhooks_leader"
KEY = "dispatcher"


async def dispatcher_leadership(
    js: JetStreamContext, instance: str, ttl_s: float, replicas: int = 1
) -> KeyLeadership:
    """The lease of this instance on the dispatcher key."""
    return await open_leadership(js, BUCKET, KEY, instance, ttl_s=ttl_s, replicas=replicas)
