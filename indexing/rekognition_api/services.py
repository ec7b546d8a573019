"""What other rooms, the commands and the pages may do with the Rekognition-compatible API: issue an access
key (its secret shown once) and revoke one. The API itself is views.py on operations.py."""

from .keys import IssuedKey, key_issue, key_revoke

__all__ = ["IssuedKey", "key_issue", "key_revoke"]
