"""A run's whole lifecycle: starting it (starting), executing it in the worker (execution),
and every way it ends (lifecycle)."""
