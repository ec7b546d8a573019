"""Template filters for drawing face boxes (ratios of the image become CSS percentages), and url_of."""

from django import template

from faceapp.reverse_once import url_of, url_to
from indexing.photos.pipeline.steps import THUMBNAIL_SIZE

register = template.Library()


@register.filter
def percent(ratio) -> str:
    """0.1234 -> '12.340%', never localised (it goes into a style attribute)."""
    return f"{float(ratio) * 100:.3f}%"


@register.filter
def thumbnail_size(photo, long_side: int = THUMBNAIL_SIZE) -> tuple[int, int]:
    """The pixel size of the photo's thumbnail (the original shrunk to `long_side`, never enlarged)."""
    scale = min(1.0, long_side / max(photo.width, photo.height, 1))
    return max(1, round(photo.width * scale)), max(1, round(photo.height * scale))


# {% url_of 'photo_file' photo.pk 'thumbnail' %} is {% url 'photo_file' photo.pk 'thumbnail' %}, cheaper
register.simple_tag(url_of, name="url_of")
# {% url_to 'gallery' %} is {% url 'gallery' %} (no argument), reversed once per process
register.simple_tag(url_to, name="url_to")
