"""A user reports a photo or a face they can see (moderation.services.report_create)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from indexing.models import Face, Photo
from indexing.moderation import services as moderation
from indexing.photos import selectors

from ..forms import ReportForm


@login_required
@require_POST
def photo_report(request, photo_id: int):
    photo = selectors.photo_for_user(request.user, photo_id)
    return _report(request, photo=photo)


@login_required
@require_POST
def face_report(request, face_id: int):
    face = selectors.face_for_user(request.user, face_id)
    return _report(request, face=face)


def _report(request, photo: Photo | None = None, face: Face | None = None):
    """A form post answers with a redirect and a message; a JSON post answers JSON (errors with 400)."""
    wants_json = request.content_type == "application/json"
    if wants_json:
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as e:
            return JsonResponse({"error": f"The request body is not valid JSON ({e})."}, status=400)
        if not isinstance(data, dict):
            return JsonResponse({"error": 'Send a JSON object such as {"reason": "other", "note": "..."}.'}, status=400)
    form = ReportForm(data if wants_json else request.POST)
    if not form.is_valid():
        error = "; ".join(f"{field}: {' '.join(errs)}" for field, errs in form.errors.items())
        if wants_json:
            return JsonResponse({"error": error}, status=400)
        messages.error(request, f"The report was not sent ({error}).")
    else:
        report = moderation.report_create(request.user, photo=photo, face=face, **form.cleaned_data)
        if wants_json:
            return JsonResponse({"report": report.pk, "status": report.status}, status=201)
        messages.success(request, "Thank you: a moderator will look at your report.")
    return redirect("photo", (face.photo if face else photo).pk)
