"""api_keys: issue, list and revoke access keys of the Rekognition-compatible API."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from indexing.face_index import collection_id_for
from indexing.models import ApiAccessKey
from indexing.rekognition_api.services import key_issue, key_revoke


class Command(BaseCommand):
    help = "Issue (the secret is shown once), list or revoke access keys of the Rekognition-compatible API."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="Issue a key to a user")
        issue.add_argument("--user", required=True)
        issue.add_argument("--name", default="")
        issue.add_argument(
            "--service",
            action="store_true",
            help="A service key reaching every collection (for an app server using this engine)",
        )
        listing = sub.add_parser("list", help="List keys (never their secrets)")
        listing.add_argument("--user")
        revoke = sub.add_parser("revoke", help="Revoke a key: requests signed with it are refused")
        revoke.add_argument("access_key_id")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _issue(self, user, name, service, **options):
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"No user named {user!r}.")
        scope = ApiAccessKey.Scope.SERVICE if service else ApiAccessKey.Scope.OWNER
        issued = key_issue(owner, name, scope)
        reach = "every collection" if service else f"{collection_id_for(owner)} and {collection_id_for(owner)}-<name>"
        self.stdout.write(f"AWS_ACCESS_KEY_ID={issued.key.access_key_id}\nAWS_SECRET_ACCESS_KEY={issued.secret}\n")
        self.stdout.write(f"Reaches {reach}. The secret is not shown again.")

    def _list(self, user=None, **options):
        keys = ApiAccessKey.objects.select_related("owner").order_by("owner__username", "created_at")
        if user:
            keys = keys.filter(owner__username=user)
        for key in keys:
            state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
            self.stdout.write(
                f"{key.access_key_id}  {key.owner.username}  {key.scope}  {state}  last used {used}  {key.name}"
            )

    def _revoke(self, access_key_id, **options):
        key = ApiAccessKey.objects.filter(access_key_id=access_key_id).first()
        if key is None:
            raise CommandError(f"No key {access_key_id}.")
        key_revoke(key)
        self.stdout.write(f"Revoked {access_key_id}.")
