"""The objects tests start from, made as the app makes them (factory-boy).

A photo goes through photo_create (validated, its file stored), and is indexed in this process when asked;
a user has switched face indexing on unless told otherwise. Import the factories inside the test modules;
they touch the database when called, so only from tests that may.
"""

from __future__ import annotations

from pathlib import Path

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

FACES = Path(__file__).resolve().parents[2] / "shared" / "faces"


class UserFactory(DjangoModelFactory):
    """A user with the password pw-<username>-123 who has switched face indexing on (as on the account
    page); consent=False: a new account that has not."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.LazyAttribute(lambda o: f"pw-{o.username}-123")
    consent = True  # an AccountSettings row with face indexing on

    @classmethod
    def _create(cls, model_class, *args, consent: bool = True, **kwargs):
        from indexing.models import AccountSettings

        user = model_class.objects.create_user(*args, **kwargs)
        if consent:
            AccountSettings.objects.create(user=user, face_indexing_enabled=True)
        return user


class AlbumFactory(DjangoModelFactory):
    """The owner's album of this title (the one they have already, or a new one)."""

    class Meta:
        model = "indexing.Album"
        django_get_or_create = ("owner", "title")

    owner = factory.SubFactory(UserFactory)
    title = "Trip"


class PhotoFactory(factory.Factory):
    """A photo stored by photo_create, pending; indexed=True: then indexed in this process (refreshed).

    `file`: a shared photo (../shared/faces), also its file name unless `file_name` is given; `data`: other
    bytes. The owner's existing photo of the same bytes is answered, as photo_create does.
    """

    class Meta:
        model = "indexing.Photo"

    owner = factory.SubFactory(UserFactory)
    file = "joe_biden_2.jpg"
    file_name = factory.SelfAttribute("file")
    data = factory.LazyAttribute(lambda o: (FACES / o.file).read_bytes())
    album = None
    source = None  # a PhotoSource; an upload's when None
    indexed = False

    @classmethod
    def _create(cls, model_class, owner, file, file_name, data, album, source, indexed):
        from indexing.photos.pipeline.runner import index_photo_now
        from indexing.photos.services import UPLOAD, After, photo_create

        then = After.INDEX_HERE if indexed else After.STORE  # indexed: the bytes decoded once, as a crawl does
        created = photo_create(owner, data, file_name, album=album, source=source or UPLOAD, then=then)
        if indexed:
            index_photo_now(created.photo.pk, created.decoded)
            created.photo.refresh_from_db()
        return created.photo

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("a photo is made by photo_create: PhotoFactory.create()")


def indexed_photos(owner, names, album=None) -> dict:
    """These shared photos of `owner`, indexed in this process: file name -> Photo. `album`: an Album, or
    the title of the owner's album to put them in."""
    if isinstance(album, str):
        album = AlbumFactory(owner=owner, title=album)
    return {name: PhotoFactory(owner=owner, file=name, album=album, indexed=True) for name in names}


class FaceFactory(factory.Factory):
    """The largest face of a shared photo of `owner`, indexed in this process."""

    class Meta:
        model = "indexing.Face"

    owner = factory.SubFactory(UserFactory)
    file = "barack_obama_1.jpg"
    album = None

    @classmethod
    def _create(cls, model_class, owner, file, album):
        photo = PhotoFactory(owner=owner, file=file, album=album, indexed=True)
        return max(photo.faces.all(), key=lambda f: f.width * f.height)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = "indexing.Person"

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Person {n}")


class InstagramAccountFactory(DjangoModelFactory):
    """The user's linked Instagram account; token="...": with the login's access token too (UserSocialAuth),
    token__<key>=...: more of the login's extra_data (expires_in...)."""

    class Meta:
        model = "indexing.InstagramAccount"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    instagram_id = factory.Sequence(lambda n: f"1784{n:04d}")
    username = factory.LazyAttribute(lambda o: o.user.username)

    @factory.post_generation
    def token(account, create, value, **kwargs):
        if create and value:
            from social_django.models import UserSocialAuth

            UserSocialAuth.objects.create(
                user=account.user,
                provider="instagram",
                uid=account.instagram_id,
                extra_data={"access_token": value, **kwargs},
            )
