"""cluster_faces --user NAME: group every unnamed face of the user again (after a threshold change;
indexing groups each new face as it comes)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from indexing.people.services import cluster_user_faces


class Command(BaseCommand):
    help = "Group a user's unnamed faces into unnamed people (DBSCAN; see PEOPLE_CLUSTER_* settings)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username of the owner")

    def handle(self, *args, **options):
        try:
            owner = get_user_model().objects.get(username=options["user"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {options['user']}") from None
        report = cluster_user_faces(owner)
        self.stdout.write(
            f"{report.faces} unnamed faces: {report.groups} groups holding {report.grouped} faces, "
            f"{report.faces - report.grouped} in no group."
        )
