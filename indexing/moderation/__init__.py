"""What moderators do: services.py (each action with its engine side effects, reports, the record of
who did what), models.py (Report, ModerationAction), admin.py (the moderators' admin)."""
