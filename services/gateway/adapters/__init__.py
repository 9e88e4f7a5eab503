"""What talks NATS: the other services' clients, the KV buckets, the event tail, the key watch."""
