"""``wa up`` supervises its services: a service that exits is started again after a capped,
doubling delay, and one that keeps failing is given up while the others keep serving."""

from cli.supervision.policy import CrashHistory, GiveUp, Restart, RestartPolicy
from cli.supervision.supervisor import Process, Supervisor

__all__ = ["CrashHistory", "GiveUp", "Process", "Restart", "RestartPolicy", "Supervisor"]
