import pytest

from indexing.photos.pipeline.runner import index_photo_now
from indexing.photos.services import album_get_or_create, photo_create


@pytest.fixture
def indexed_photos(user, faces_dir):
    """Alice's album "Trip" of three photos, indexed in this process."""
    album = album_get_or_create(user, "Trip")
    photos = {}
    for name in ("barack_obama_1.jpg", "barack_obama_2.jpg", "joe_biden_2.jpg"):
        photo = photo_create(user, (faces_dir / name).read_bytes(), name, album=album, enqueue=False).photo
        index_photo_now(photo.pk)
        photo.refresh_from_db()
        photos[name] = photo
    return photos


@pytest.fixture
def pending_photo(user, faces_dir):
    """A photo of Alice in her album "Trip", stored but not indexed (for tests that need no engine)."""
    return photo_create(
        user,
        (faces_dir / "joe_biden_2.jpg").read_bytes(),
        "joe_biden_2.jpg",
        album=album_get_or_create(user, "Trip"),
        enqueue=False,
    ).photo
