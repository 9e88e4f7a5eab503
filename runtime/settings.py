"""Settings from ``WA_*`` environment variables, with documented defaults (see README)."""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, TypeVar

import msgspec

__all__ = ["Settings", "from_env", "load_settings"]


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    nats_url: str = ""  # empty: `wa up` starts an embedded server and fills this in
    nats_port: int = 14222  # the embedded server's port; never the machine's 4222
    nats_user: str = ""  # with nats_password: this process's NATS user (compose, secrets)
    nats_password: str = ""
    nats_credentials_file: str = ""  # else a JSON {"user","password"} file; else the data dir's
    data_dir: str = "var"
    stream_replicas: int = 1
    dedupe_window_s: float = 600.0
    request_timeout_s: float = 5.0
    store_db_url: str = ""  # empty: sqlite+aiosqlite:///<data_dir>/store.db
    store_readers: int = 1  # store processes `wa up` runs: all answer queries, one projects
    reminder_db_url: str = ""  # empty: sqlite+aiosqlite:///<data_dir>/reminder.db
    store_reply_cache_mb: int = 32  # the store's cache of query replies (0: none)
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8080
    gateway_max_body_bytes: int = 256 * 1024  # larger request bodies get 413
    gateway_rate_per_s: float = 50.0  # per caller (admin, tenant), per gateway instance (0: none)
    gateway_rate_burst: int = 100
    gateway_sse_heartbeat_s: float = 15.0  # a comment line on idle event streams
    gateway_auth_failures_per_s: float = 0.2  # per client address, then 429 (0: no limit)
    gateway_auth_failures_burst: int = 20
    # reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For names the
    # client of a request, for the failed-authentication limit; empty: the TCP peer is
    gateway_trusted_proxies: str = ""
    max_schedule_ahead_s: float = 366 * 86400.0  # due_at / starts_at at most this far ahead
    gateway_metrics_ttl_s: float = 10.0  # /metrics platform gauges: computed at most this often
    admin_token: str = ""
    bus_credentials_per_tenant: int = 20  # NATS subscriber credentials a tenant may hold
    whatsapp: Literal["simulator", "neonize"] = "simulator"
    neonize_db_url: str = ""  # empty: a SQLite file per session under <data_dir>/neonize/
    neonize_device_name: str = "WA Platform"  # how the phone lists the linked device
    neonize_sessions_per_worker: int = 20  # neonize clients per worker process (a shard)
    neonize_worker_threads: int = 64  # each worker's thread pool (a live client holds one)
    neonize_restart_base_s: float = 1.0  # a dead worker restarts after this; doubles, capped
    neonize_restart_cap_s: float = 60.0
    neonize_heartbeat_s: float = 5.0  # the service pings each worker this often
    neonize_heartbeat_misses: int = 3  # unanswered pings in a row, then the worker is killed
    neonize_leaked_threads_max: int = 8  # stuck Go threads in a worker, then it is recycled
    default_region: str = "EG"
    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: str = "info"
    instance_id: str = ""  # empty: session and reminder keep a generated one in data_dir
    reconnect_base_s: float = 2.0  # first reconnect delay ceiling; doubles, full jitter
    reconnect_cap_s: float = 300.0
    reconnect_max_attempts: int = 8  # within reconnect_window_s, then needs_attention
    reconnect_window_s: float = 1800.0
    reconnect_stable_s: float = 120.0  # a connection up this long resets the attempt count
    send_per_minute: float = 20.0  # outbound pacing defaults (per session, overridable)
    send_burst: int = 5
    send_min_spacing_s: float = 1.0
    send_jitter_s: float = 2.0
    typing_base_s: float = 1.0  # typing_before_send: "typing…" shows base + per char, capped
    typing_per_char_s: float = 0.04
    typing_max_s: float = 8.0
    contact_check_ttl_s: float = 86400.0  # a number check's answer is reused this long
    profile_picture_ttl_s: float = 3600.0  # a profile picture (or its absence) is reused
    paced_call_wait_s: float = 3.0  # a check/picture waits this long for its slot, else 429
    send_max_attempts: int = 5  # a failed send is retried with backoff, then final
    send_retry_base_s: float = 2.0
    send_retry_cap_s: float = 60.0
    edit_window_s: float = 900.0  # WhatsApp lets a sent message be edited for 15 minutes
    lease_ttl_s: float = 15.0  # session ownership lease (NATS KV), renewed every ttl/4
    pairing_start_timeout_s: float = 30.0  # connect() to the first QR or connection, then failed
    sim_qr_ttl_s: float = 20.0  # the simulator rotates its QR codes this often
    webhooks_db_url: str = ""  # empty: sqlite+aiosqlite:///<data_dir>/webhooks.db
    webhook_max_attempts: int = 8  # then the delivery is dead-lettered
    webhook_backoff_s: float = 1.0  # first retry delay; doubles per attempt, with jitter
    webhook_backoff_max_s: float = 600.0
    webhook_timeout_s: float = 10.0  # per HTTP attempt
    webhook_log_retention_s: float = 7 * 86400.0  # delivered entries then leave the log
    webhook_allow_private_targets: bool = False  # true: loopback/private hosts (development)
    tenant_max_webhooks: int = 25  # webhooks one tenant may register (0: no limit)
    tenant_max_sessions: int = 100  # live sessions one tenant may have (0: no limit)
    media_retention_s: float = 30 * 86400.0  # stored files then leave the object store
    media_upload_ttl_s: float = 86400.0  # an upload never sent may be sent until then
    media_max_image_bytes: int = 16 * 1024 * 1024  # per kind: larger uploads get 413
    media_max_video_bytes: int = 64 * 1024 * 1024
    media_max_audio_bytes: int = 16 * 1024 * 1024
    media_max_document_bytes: int = 100 * 1024 * 1024  # also any other type
    media_max_sticker_bytes: int = 512 * 1024  # a larger WebP is sent as an image, not a sticker
    media_fetch_timeout_s: float = 60.0  # a send's "url": the whole fetch, at most
    media_fetch_allow_loopback: bool = False  # true: a "url" may be on loopback (dev, tests)
    media_download_concurrency: int = 4  # received files fetched at once, per session service
    media_download_attempts: int = 5  # then message.media_failed
    media_download_backoff_s: float = 1.0  # first retry delay; doubles per attempt
    media_quota_bytes: int = 0  # per tenant: uploads and received files kept (0: no limit)
    media_sweep_s: float = 60.0  # how often expired uploads are deleted and usage recounted
    media_link_ttl_s: float = 3600.0  # a webhook's signed media link works this long
    media_link_key: str = ""  # the links' HMAC key (a secret: never logged)
    media_link_key_file: str = ""  # else a file holding it; else <data_dir>/media_link.key
    gateway_public_url: str = ""  # the gateway as webhook receivers reach it (signed links)

    def media_limit(self, mime: str) -> int:
        """The largest upload of a type: by its family (image/, video/, audio/, the rest)."""
        family = mime.split("/", 1)[0]
        return {
            "image": self.media_max_image_bytes,
            "video": self.media_max_video_bytes,
            "audio": self.media_max_audio_bytes,
        }.get(family, self.media_max_document_bytes)

    def media_upload_limit(self) -> int:
        return max(self.media_max_image_bytes, self.media_max_video_bytes,
                   self.media_max_audio_bytes, self.media_max_document_bytes)  # fmt: skip

    def public_url(self) -> str:
        """``gateway_public_url``, else the address the gateway listens on."""
        return self.gateway_public_url or f"http://{self.gateway_host}:{self.gateway_port}"

    def db_url(self, name: str) -> str:
        explicit = {
            "store": self.store_db_url,
            "reminder": self.reminder_db_url,
            "webhooks": self.webhooks_db_url,
        }.get(name, "")
        if explicit:
            return explicit
        return f"sqlite+aiosqlite:///{Path(self.data_dir).resolve() / f'{name}.db'}"


S = TypeVar("S", bound=msgspec.Struct)


def from_env(
    kind: type[S], prefix: str, environ: Mapping[str, str] | None = None, **overrides: object
) -> S:
    """A settings Struct from ``<prefix><FIELD>`` variables; ``overrides`` win (tests)."""
    env = os.environ if environ is None else environ
    raw: dict[str, object] = {}
    for name in kind.__struct_fields__:
        value = env.get(f"{prefix}{name.upper()}")
        if value is not None:
            raw[name] = value
    raw.update(overrides)
    return msgspec.convert(raw, kind, strict=False)


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Read every field from ``WA_<FIELD>``; ``overrides`` win (used by tests)."""
    return from_env(Settings, "WA_", environ, **overrides)
