from runtime.service import run_service
from services.reminder.bootstrap import run

run_service("reminder", run)
