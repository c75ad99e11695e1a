"""Collecting reports from the web (gkaudit fetch)."""
