from runtime.service import run_service
from services.gateway.bootstrap import run

run_service("gateway", run)
