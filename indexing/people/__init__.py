"""People: naming faces, auto-tagging, groups of unnamed faces, undo (services), and their reads
(selectors.py). Callers import the module they need: naming, autotag, clusters, edits, history,
engine_users, common, selectors.

Services take the owner and rows the caller already loaded for that owner (people/selectors.py
does), change the database in one transaction, record a PeopleEvent to undo, and bring the
engine users of the people they touched in line once committed.
"""
