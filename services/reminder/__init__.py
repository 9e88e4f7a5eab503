"""The reminder service: reminders and appointment reminders, sent only on a connected session."""
