"""instagram_emulator: serve the project's Instagram emulator until Ctrl-C (what `make run` starts)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from indexing.instagram.emulator import EmulatorServer, PhotoLibrary, World

DEFAULT_PHOTOS = settings.BASE_DIR.parent / "shared" / "faces"


class Command(BaseCommand):
    help = "Serve an Instagram emulator (OAuth consent, tokens, /me, /me/media, media files) until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8100)
        parser.add_argument("--photos", default=str(DEFAULT_PHOTOS), help="folder of photos the posts show")
        parser.add_argument("--username", default="faces.demo")
        parser.add_argument("--password", default="emulator")
        parser.add_argument(
            "--posts",
            type=int,
            default=0,
            help="synthesize this many posts (photos, carousels, videos) instead of one per photo",
        )
        parser.add_argument("--client-id", default="emulator-app")
        parser.add_argument("--client-secret", default="emulator-secret")
        parser.add_argument(
            "--redirect-uri",
            action="append",
            default=[],
            help="the only redirect_uri(s) accepted (repeatable; default: any)",
        )
        parser.add_argument(
            "--app-url",
            default="http://" + os.environ.get("RUN_ADDR", "127.0.0.1:8000"),
            help="where faceapp runs: Meta's two callbacks go there when an account removes the app",
        )
        parser.add_argument("--rate-limit-after", type=int, help="throttle after this many Graph API calls")
        parser.add_argument("--rate-limit-seconds", type=float, default=60.0)
        parser.add_argument("--fail-next", type=int, default=0, help="answer 500 to the next N Graph API calls")

    def handle(self, *args, **o):
        try:
            library = PhotoLibrary(o["photos"])
        except FileNotFoundError as e:
            raise CommandError(f"{e}. Give a folder of photos with --photos.") from e
        world = World(library, o["client_id"], o["client_secret"], tuple(o["redirect_uri"]))
        account = world.add_account(o["username"], o["password"])
        world.add_account("personal.demo", o["password"], account_type="PERSONAL").add_image(library.names[0])
        app = o["app_url"].rstrip("/")
        world.callback_urls = {
            "deauthorize": f"{app}/instagram/deauthorize/",
            "deletion": f"{app}/instagram/data-deletion/",
        }
        if o["posts"]:
            account.synthesize(o["posts"])
        else:
            for name in library.names:
                account.add_image(name, name.rsplit(".", 1)[0].replace("_", " "))
        world.set_faults(
            rate_limit_after=o["rate_limit_after"], rate_limit_seconds=o["rate_limit_seconds"], fail_next=o["fail_next"]
        )
        server = EmulatorServer(world, o["host"], o["port"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Instagram emulator at {server.url}/ ; account {account.username} / {account.password} with "
                f"{len(account.posts)} posts ; app id {world.client_id}"
            )
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("Stopping the Instagram emulator.")
        finally:
            server.httpd.server_close()
