"""The webhooks service: delivers events to tenants' HTTP endpoints, signed, retried, in order."""
