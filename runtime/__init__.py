"""The small runtime every service shares: settings, logging, NATS, the event log, RPC, and
the database kit (engines, the tracking record, the outbox and the unit of work: sql/).

Not a service: it holds no domain rules and imports no service.
"""
