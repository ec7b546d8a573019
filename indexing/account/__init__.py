"""A user's own account: consent to face indexing, erasure of everything they own and the export of their
data (services/), the rule of who may have faces indexed and the account page's reads (selectors.py),
which rows are a user's (owned.py), AccountSettings (models.py)."""
