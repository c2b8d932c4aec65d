"""People: the roster import and export, and one person's data for export and erasure (PIPL)."""
