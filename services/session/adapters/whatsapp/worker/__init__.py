"""neonize clients in supervised worker processes: see port.WorkerPort and docs/architecture.md."""
