from runtime.service import run_service
from services.webhooks.bootstrap import run

run_service("webhooks", run)
