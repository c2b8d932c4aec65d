"""Words every layer shares, below the config that checks them: roles, contact kinds, default rules, clock times."""
