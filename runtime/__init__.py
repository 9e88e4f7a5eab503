"""The small runtime every service shares: settings, logging, NATS, the event log, RPC, leases;
the ports a service layer depends on (messaging.py, leases.py, unit_of_work.py, tracking.py,
outbox.py), with their NATS, SQL (sql/) and in-memory (runtime/memory/, the Memory* classes)
implementations.

Not a service: it holds no domain rules and imports no service.
"""
