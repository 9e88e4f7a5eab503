"""The HTTP handlers, one module per resource, each declaring its operations."""
