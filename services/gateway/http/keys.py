"""Typed application keys: what the gateway's handlers may reach."""

import asyncio

from aiohttp import ClientSession, web
from nats.js import JetStreamContext

from runtime.media.links import LinkSigner
from runtime.media.store import MediaStore
from runtime.media.usage import MediaUsage
from runtime.settings import Settings
from services.gateway.adapters.backends import Backends
from services.gateway.adapters.bus_credentials import BusCredentials
from services.gateway.adapters.tenants import TenantRegistry
from services.gateway.domain.open_streams import OpenStreams
from services.gateway.domain.rate_limit import RateLimiter
from services.gateway.domain.trusted_proxies import TrustedProxies
from services.gateway.http.metrics import GatewayMetrics
from services.gateway.service_layer.figures import CachedFigures

SETTINGS = web.AppKey("settings", Settings)
BACKENDS = web.AppKey("backends", Backends)
TENANTS = web.AppKey("tenants", TenantRegistry)
BUS_CREDENTIALS = web.AppKey("bus_credentials", BusCredentials)
JETSTREAM = web.AppKey("jetstream", JetStreamContext)
LIMITER = web.AppKey("limiter", RateLimiter)  # requests, by principal
AUTH_FAILURES = web.AppKey("auth_failures", RateLimiter)  # failed authentications, by address
PROXIES = web.AppKey("proxies", TrustedProxies)  # whose X-Forwarded-For names the client
METRICS = web.AppKey("metrics", GatewayMetrics)
CLOSING = web.AppKey("closing", asyncio.Event)  # set on shutdown: long-lived streams end
OPENAPI = web.AppKey("openapi", bytes)  # the generated document, encoded once
STREAMS = web.AppKey("streams", OpenStreams)  # the open /v1/events streams
FIGURES = web.AppKey("figures", CachedFigures)  # the platform gauges of /metrics
MEDIA_FETCH = web.AppKey("media_fetch", ClientSession)  # fetches a send's "url" (public only)
MEDIA = web.AppKey("media", MediaStore)  # the object store of uploaded and received files
LINKS = web.AppKey("links", LinkSigner)  # signs and checks links to received files
USAGE = web.AppKey("usage", MediaUsage)  # each tenant's bytes in the media store (its quota)
