"""Analysis: statistics and figures computed from result tables (never from a live model)."""
