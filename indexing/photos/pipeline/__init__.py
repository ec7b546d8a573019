"""Indexing a photo: one literal list of small steps (steps.STEPS) run by one loop (runner.py)."""
