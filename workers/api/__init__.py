"""The HTTP API and the review page (gkaudit serve)."""
