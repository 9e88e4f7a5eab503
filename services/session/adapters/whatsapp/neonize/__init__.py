"""The real WhatsApp adapter, on neonize (whatsmeow): see port.NeonizePort and the docs."""
