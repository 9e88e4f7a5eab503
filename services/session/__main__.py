from runtime.service import run_service
from services.session.bootstrap import run

run_service("session", run)
