"""The WhatsApp port and its adapters: neonize (real) and the simulator."""
