"""A user's own account: consent to face indexing, export of their data, erasure of everything they
own (services.py); the account page's reads (selectors.py); AccountSettings (models.py)."""
