"""Search with a picture (a webcam frame or a file): every face found, each with its matches.

The picture is never stored; each face found is shown back as a small crop inlined in the page.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from faceapp.limits import image_search_limit
from indexing.engine import images
from indexing.engine.errors import EngineError
from indexing.photos import selectors

from ..forms import ThresholdForm

PREVIEW_SIZE = 120
PREVIEW_MARGIN = 0.2


@login_required
@image_search_limit
def search_image(request):
    """GET: the camera and upload page. POST: the results (just the results for the page's script)."""
    form = ThresholdForm(
        request.POST if request.method == "POST" else None, initial={"threshold": settings.FACE_MATCH_THRESHOLD}
    )
    context = {
        "form": form,
        "threshold": form.threshold_or_default(),
        "searched": request.method == "POST",
        "faces": [],
        "error": "",
    }
    if request.method == "POST":
        context.update(_search(request, context["threshold"]))
    template = "search/_search_results.html" if request.headers.get("X-Partial") else "search/search.html"
    return render(request, template, context, status=400 if context["error"] else 200)


def _search(request, threshold: float) -> dict:
    upload = request.FILES.get("image")
    if upload is None:
        return {"error": "Take a picture with the camera or choose a photo first."}
    if upload.size > settings.UPLOAD_MAX_BYTES:
        return {"error": f"The picture is larger than the {settings.UPLOAD_MAX_BYTES / 2**20:g} MB limit."}
    data = upload.read()
    try:
        images.refuse_costly_decode(data, settings.SEARCH_MAX_DECODE_PIXELS)
        found = selectors.image_matches_for_user(request.user, data, threshold=threshold)
    except EngineError as e:
        return {"error": f"This picture cannot be searched: {e.message}"}
    previews = _previews(data, [f.box for f in found])
    return {"faces": list(zip(found, previews))}


def _previews(data: bytes, boxes: list[dict]) -> list[str]:
    """Each box of the picture as a small JPEG data: URI."""
    if not boxes:
        return []
    image = images.load_image(data, max_pixels=settings.UPLOAD_MAX_PIXELS, max_bytes=settings.UPLOAD_MAX_BYTES).image
    return [
        _data_uri(images.jpeg_bytes(images.crop_box(image, box, PREVIEW_MARGIN, PREVIEW_SIZE), 80)) for box in boxes
    ]


def _data_uri(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()
