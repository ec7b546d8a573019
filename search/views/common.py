"""What the views share: the threshold form with the deployment's default, ids from the query, files."""

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import redirect

from ..forms import ThresholdForm


def threshold_form(data) -> ThresholdForm:
    return ThresholdForm(data if "threshold" in data else None, initial={"threshold": settings.FACE_MATCH_THRESHOLD})


def int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such id")


def file_response(field):
    if not field or not field.name:
        raise Http404("No such file")
    if getattr(field.storage, "querystring_auth", False):  # S3: a signed URL that expires, never a public one
        response = redirect(field.url)
        response["Cache-Control"] = "private, no-store"
        return response
    try:
        response = FileResponse(field.open("rb"))
    except FileNotFoundError:
        raise Http404("No such file")
    response["Cache-Control"] = "private, max-age=3600"
    return response
