"""The keys of a KV bucket, read from its stream's subject counts.

nats-py's ``KeyValue.keys()`` starts a watcher and asks for its consumer info; when the server
has already delivered the keys but the client has not yet processed them, the info says
"nothing pending, nothing received" and ``keys()`` answers "no keys" for a bucket that has
some (seen under load: ``GET /v1/tenants`` listed no tenant). A stream info request with a
subject filter has no such race. It lists keys whose last entry is a delete or purge marker
too: callers read each key and skip what is gone. (One info answers up to the server's page of
subjects, 100,000: far more tenants, credentials or quota counters than a deployment has.)
"""

from nats.js.kv import KeyValue

__all__ = ["kv_keys"]


async def kv_keys(kv: KeyValue, pattern: str = ">") -> list[str]:
    """Every key of ``kv`` matching ``pattern`` (NATS wildcards) that has an entry (a value,
    or a delete marker), sorted."""
    prefix: str = kv._pre  # "$KV.<bucket>."
    info = await kv._js.stream_info(kv._stream, subjects_filter=f"{prefix}{pattern}")
    return sorted(subject.removeprefix(prefix) for subject in info.state.subjects or {})
