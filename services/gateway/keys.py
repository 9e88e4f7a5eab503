"""Typed application keys: what the gateway's handlers may reach."""

from aiohttp import web

from runtime.settings import Settings
from services.gateway.auth import TenantRegistry
from services.gateway.backends import Backends

SETTINGS = web.AppKey("settings", Settings)
BACKENDS = web.AppKey("backends", Backends)
TENANTS = web.AppKey("tenants", TenantRegistry)
