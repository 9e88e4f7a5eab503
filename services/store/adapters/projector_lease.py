"""The projector's lease: one key in a NATS KV bucket of its own (runtime/leadership.py).
Whoever holds it runs the projection; every store replica answers queries."""

from nats.js import JetStreamContext

from runtime.leadership import KvLeadership

__all__ = ["BUCKET", "KEY", "projector_lease"]

BUCKET = "wa_store_projector"
KEY = "projector"


def projector_lease(
    js: JetStreamContext, instance: str, ttl_s: float, replicas: int = 1
) -> KvLeadership:
    return KvLeadership(js, instance, ttl_s, replicas, bucket=BUCKET, key=KEY)
