"""Service functions: the only place that changes state. Each takes the session keyword-only."""
