"""Template filters for drawing face boxes (ratios of the image become CSS percentages), and the id_url and
fixed_url tags (reverse_once)."""

from django import template

from faceapp.reverse_once import fixed_url, id_url
from indexing.photos.selectors import THUMBNAIL_SIZE

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


# {% id_url 'photo_file' photo.pk 'thumbnail' %} is {% url 'photo_file' photo.pk 'thumbnail' %}, cheaper
register.simple_tag(id_url, name="id_url")
# {% fixed_url 'gallery' %} is {% url 'gallery' %} (no argument), reversed once per process
register.simple_tag(fixed_url, name="fixed_url")
