"""The pure core of the session service: state machine, reconnect policy, pacing. No I/O."""
