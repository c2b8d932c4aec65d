"""Scheduled jobs: idempotent functions over our own tables, run by APScheduler (jobs/scheduler.py)."""
