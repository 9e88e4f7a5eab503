"""The real WhatsApp adapter, on neonize (whatsmeow)."""
