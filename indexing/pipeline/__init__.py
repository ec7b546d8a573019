"""Indexing a photo: one ordered list of small steps run by one loop (see runner.py)."""

from .runner import index_photo_now  # noqa: F401
