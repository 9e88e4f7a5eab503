"""In-memory implementations of runtime's ports, behaving as NATS does for what services use."""
