"""The webhooks dispatcher's lease: one key in its own NATS KV bucket (runtime/leadership.py)."""

from nats.js import JetStreamContext

from runtime.leadership import KvLeadership as _KvLeadership

__all__ = ["BUCKET", "KEY", "KvLeadership"]

BUCKET = "wa_webhooks_leader"
KEY = "dispatcher"


class KvLeadership(_KvLeadership):
    """The lease of this instance on the dispatcher key."""

    def __init__(self, js: JetStreamContext, instance: str, ttl_s: float, replicas: int = 1):
        super().__init__(js, instance, ttl_s, replicas, bucket=BUCKET, key=KEY)
