"""The five services: session, store, reminder, webhooks and gateway. They never import one
another; they meet only on NATS."""
