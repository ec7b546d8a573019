"""People: naming faces, auto-tagging, groups of unnamed faces, undo.

Other domains and the views enter through `services` (writes, a package whose `__init__` names what
may be called) and `selectors` (reads); the rest is private to people.
"""
