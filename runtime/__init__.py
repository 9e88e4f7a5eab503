"""The small runtime every service shares: settings, logging, NATS, the event log, RPC.

Not a service: it holds no domain rules and imports no service.
"""
