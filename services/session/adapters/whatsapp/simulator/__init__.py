"""The simulator: a real implementation of the WhatsApp port, with fault injection."""

from services.session.adapters.whatsapp.simulator.port import SimulatorPort

__all__ = ["SimulatorPort"]
