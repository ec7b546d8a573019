"""make_moderator USERNAME: staff access to the moderation admin, with the Moderators group's permissions."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from indexing.moderation.services import moderator_grant


class Command(BaseCommand):
    help = "Give a user the moderation admin (staff, in the Moderators group)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        moderator_grant(user)
        self.stdout.write(f"{username} is a moderator: log in at /admin/.")
