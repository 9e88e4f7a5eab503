"""Reaching URLs that callers name (webhook targets, media to send) without reaching our own
network: public addresses only, judged on the URL, the resolver's answers and each peer."""
