"""The real WhatsApp adapter, on neonize (whatsmeow): see port.NeonizePort and the docs.

Importing any module of this package first loads neonize here, on our terms (``loading``):
the Go layer reads ``NEONIZE_BOT_TAG`` once, when it loads, and neonize's import calls
``logging.basicConfig``; neither may decide for us.
"""

from services.session.adapters.whatsapp.neonize.loading import load_neonize

load_neonize()
