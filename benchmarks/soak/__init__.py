"""`make soak`: the app under 50 users for 2 minutes, with PostgreSQL restarted in the middle.

See benchmarks/soak/run.py for the run and benchmarks/soak/checks.py for what it checks.
"""
