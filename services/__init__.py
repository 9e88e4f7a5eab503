"""The four services. They never import one another; they meet only on NATS."""
