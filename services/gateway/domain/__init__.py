"""The pure rules: rate limits, open streams, the key cache, idempotency, sealing. No I/O."""
