"""The small runtime every service shares: settings, logging, NATS, the event log, RPC, leases;
the ports a service layer depends on (messaging.py, leases.py), with their NATS and in-memory
(runtime/memory/) implementations.

Not a service: it holds no domain rules and imports no service.
"""
