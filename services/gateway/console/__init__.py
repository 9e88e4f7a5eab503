"""The pairing console: a small static web page the gateway serves at ``GET /``."""
