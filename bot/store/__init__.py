"""Storage: engine and sessions, models and migrations, sealed columns, the audit chain, Redis, caches."""
