"""The locked bus: who may connect to NATS, and what each user may publish and subscribe to."""
