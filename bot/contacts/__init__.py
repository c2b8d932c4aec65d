"""Contact records (N16, N20): recording and editing them, their evidence photos, and their export."""
