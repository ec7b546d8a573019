"""Every shared photo indexed once for this package's tests, for one user; each test's changes roll back."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.test import override_settings

from indexing.models import Face, Photo
from indexing.photos.services import user_faces_delete
from tests.factories import PhotoFactory, UserFactory


@dataclass
class Library:
    owner: object
    photos: dict[str, Photo] = field(default_factory=dict)
    identity: dict[int, str] = field(default_factory=dict)  # face id -> who (the manifest), "unknown" beyond it

    def faces_of(self, who: str) -> list[Face]:
        return list(Face.objects.filter(pk__in=[f for f, w in self.identity.items() if w == who]).order_by("pk"))

    def face(self, file_name: str, position: int = 0) -> Face:
        """The manifest's face `position` (left to right) of a photo."""
        photo = self.photos[file_name]
        return Face.objects.get(pk=labelled_faces(photo, 99)[position].pk)


def labelled_faces(photo: Photo, count: int) -> list[Face]:
    """The `count` largest faces of the photo, left to right (how the manifest lists people)."""
    largest = sorted(photo.faces.all(), key=lambda f: -f.width * f.height)[:count]
    return sorted(largest, key=lambda f: f.left)


def index_library(owner, manifest, names) -> Library:
    library = Library(owner)
    for name in names:
        photo = library.photos[name] = PhotoFactory(owner=owner, file=name, indexed=True)
        for face in photo.faces.all():
            library.identity[face.pk] = "unknown"
        for face, who in zip(labelled_faces(photo, len(manifest[name])), manifest[name]):
            library.identity[face.pk] = who
    return library


@contextmanager
def committed_library(username, faces_dir, manifest, names, media_root, django_db_blocker):
    """A user with these shared photos indexed and committed (for module-scoped fixtures: each test's
    own changes still roll back); removed with their files and collection at the end."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media_root)):
        owner = UserFactory(username=username)
        try:
            yield index_library(owner, manifest, names)
        finally:
            user_faces_delete(owner)
            owner.delete()


@pytest.fixture(scope="package")
def library(django_db_setup, django_db_blocker, faces_dir, faces_manifest, media_root):
    with committed_library(
        "carol", faces_dir, faces_manifest, sorted(faces_manifest), media_root, django_db_blocker
    ) as found:
        yield found
