"""Queue infrastructure: the Celery app and tasks, the runner, the file-system transport, the listener, settings."""
