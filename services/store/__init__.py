"""The store service: projects the event log into tables and answers read queries."""
