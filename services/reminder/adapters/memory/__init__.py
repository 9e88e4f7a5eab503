"""The reminder's ports in memory: a real implementation for tests without SQL or NATS."""
