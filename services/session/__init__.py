"""The session service: the only process that talks to WhatsApp."""
