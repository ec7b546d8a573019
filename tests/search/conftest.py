import pytest

from tests.factories import PhotoFactory
from tests.factories import indexed_photos as indexed


@pytest.fixture
def indexed_photos(user):
    """Alice's album "Trip" of three photos, indexed in this process."""
    return indexed(user, ("barack_obama_1.jpg", "barack_obama_2.jpg", "joe_biden_2.jpg"), album="Trip")


@pytest.fixture
def pending_photo(user):
    """A photo of Alice in her album "Trip", stored but not indexed (for tests that need no engine)."""
    from tests.factories import AlbumFactory

    return PhotoFactory(owner=user, file="joe_biden_2.jpg", album=AlbumFactory(owner=user, title="Trip"))
