from runtime.service import run_service
from services.store.bootstrap import run

run_service("store", run)
