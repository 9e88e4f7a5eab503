"""The gateway: the only HTTP door. Authentication, tenants, validation, JSON errors. Stateless."""
