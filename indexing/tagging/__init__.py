"""The tagging API (a token per user), its signed webhook (fetched and tagged by tasks.tag_webhook_photo)
and the guarded URL fetch (fetch.py): services.py writes, models.py holds the credential and deliveries."""
