"""The emulator's accounts and their posts (media items, carousels, videos)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Media:
    id: str
    media_type: str  # IMAGE, VIDEO or CAROUSEL_ALBUM
    timestamp: float
    photo: str | None = None  # the library photo (a video's thumbnail)
    caption: str = ""
    children: list[Media] = field(default_factory=list)
    no_media_url: bool = False  # e.g. a copyright-flagged video: Instagram omits media_url


class Account:
    def __init__(
        self,
        world: Any,  # the World holding it (world.py imports this module)
        account_id: str,
        user_id: str,
        username: str,
        password: str,
        account_type: str = "BUSINESS",
        role: bool = True,
    ):
        self.world, self.id, self.user_id = world, account_id, user_id
        self.username, self.password, self.account_type = username, password, account_type
        self.role = role  # a role on the Meta app (tester): needed to authorize while the app has Standard Access
        self.posts: list[Media] = []  # newest first

    def _post(self, media: Media) -> Media:
        with self.world.lock:
            self.posts.append(media)
            self.posts.sort(key=lambda m: (m.timestamp, int(m.id)), reverse=True)
        return media

    def _timestamp(self, timestamp: float | None) -> float:
        newest = self.posts[0].timestamp if self.posts else 0.0
        # whole seconds, as Instagram's timestamps (and the paging cursors made of them)
        return float(int(timestamp if timestamp is not None else max(self.world.now(), newest + 1)))

    def add_image(self, photo: str, caption: str = "", timestamp: float | None = None) -> Media:
        return self._post(Media(self.world.new_media_id(), "IMAGE", self._timestamp(timestamp), photo, caption))

    def add_video(self, thumbnail: str, caption: str = "", timestamp: float | None = None) -> Media:
        return self._post(Media(self.world.new_media_id(), "VIDEO", self._timestamp(timestamp), thumbnail, caption))

    def add_carousel(
        self, photos: list[str], caption: str = "", timestamp: float | None = None, videos: tuple[int, ...] = ()
    ) -> Media:
        """A carousel of these photos; the children at positions `videos` are videos (the photo is the thumbnail)."""
        ts = self._timestamp(timestamp)
        children = [
            Media(self.world.new_media_id(), "VIDEO" if i in videos else "IMAGE", ts, p) for i, p in enumerate(photos)
        ]
        return self._post(Media(self.world.new_media_id(), "CAROUSEL_ALBUM", ts, None, caption, children))

    def delete_post(self, media_id: str) -> None:
        with self.world.lock:
            self.posts = [m for m in self.posts if m.id != media_id]

    def find(self, media_id: str) -> Media | None:
        for post in self.posts:
            if post.id == media_id:
                return post
            for child in post.children:
                if child.id == media_id:
                    return child
        return None

    def images(self) -> dict[str, str]:
        """media id -> library photo of every image a crawler fetches (children, video thumbnails)."""
        return {m.id: m.photo for post in self.posts for m in (post.children or [post])}

    def synthesize(self, count: int, seed: int = 5) -> None:
        """`count` posts reusing the library's photos: about 70% photos, 15% carousels, 15% videos."""
        rng, names = random.Random(seed), self.world.library.names
        start = self.world.now() - count * 3600
        for i in range(count):
            ts, roll = start + i * 3600, rng.random()
            if roll < 0.70:
                self.add_image(rng.choice(names), f"post {i}", ts)
            elif roll < 0.85:
                self.add_carousel(rng.sample(names, rng.randint(2, 4)), f"carousel {i}", ts)
            else:
                video = self.add_video(rng.choice(names), f"video {i}", ts)
                video.no_media_url = i % 7 == 0  # copyright-flagged: no media_url, the thumbnail still comes
