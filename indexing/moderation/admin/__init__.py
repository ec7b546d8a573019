"""Moderation in the Django admin (staff only): users, reports and the record of actions (users.py);
albums, photos and faces (photos.py); what they share, big change lists drawn fast (base.py, rows.py,
nav.py). Moderators act through admin actions, each one a call to indexing/moderation/services.py.
Importing this package registers them; indexing/admin.py (where Django's autodiscovery looks) imports
it with the blocks the other rooms register themselves (face_index, instagram, rekognition_api)."""

from . import photos, users  # noqa: F401
