"""Media files in the JetStream object store, and what their bytes are."""
