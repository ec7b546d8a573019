"""In Chromium: log in, open a photo, click a face, see that person's photos first."""
import pytest

from indexing.pipeline import index_photo_now
from indexing.services import photo_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_click_a_face_to_see_the_same_persons_photos(page, log_in, user, faces_dir):
    photos = {}
    for name in ("group_kit_rose.jpg", "kit_harington_1.jpg", "kit_harington_3.jpg", "rose_leslie_1.jpg"):
        photos[name] = photo_create(user, (faces_dir / name).read_bytes(), name, enqueue=False).photo
        index_photo_now(photos[name].pk)
    log_in("alice", "pw-alice-123")
    page.get_by_role("img", name="group_kit_rose.jpg").click()
    boxes = page.locator("a.facebox")
    assert boxes.count() == 2
    # Kit Harington stands on the right of the group photo (the manifest orders faces left to right).
    boxes.nth(1).click()
    page.wait_for_url("**/faces/**")
    matches = page.locator(".grid li small").all_inner_texts()
    assert len(matches) == 2 and all("kit_harington" in m for m in matches), matches
