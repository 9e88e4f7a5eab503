"""The gateway's service layer: what a request has the other services and the object store do."""
