"""The account page (consent, export, deletion) and reports: small views over indexing.account/moderation."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from . import account, moderation
from .models import AccountSettings, Face, Photo, Report


@login_required
@require_GET
def account_page(request):
    user = request.user
    return render(
        request,
        "indexing/account.html",
        {
            "account": AccountSettings.objects.filter(user=user).first(),
            "notice": account.FACE_INDEXING_NOTICE,
            "photo_count": Photo.objects.visible_to(user).count(),
            "face_count": Face.objects.visible_to(user).count(),
        },
    )


@login_required
@require_POST
def face_indexing(request):
    if request.POST.get("enabled") == "on":
        account.face_indexing_enable(request.user)
        messages.success(request, "Face indexing is on: your photos are being indexed.")
    else:
        account.face_indexing_disable(request.user)
        messages.success(request, "Face indexing is off: every face and face template was deleted; your photos stay.")
    return redirect("account")


@login_required
@require_GET
def export(request):
    archive = account.export_archive(request.user)
    name = f"faceapp-{account.safe_file_name(request.user.get_username())}-{timezone.now():%Y-%m-%d}.zip"
    return FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")


@login_required
@require_POST
def delete_data(request):
    if request.POST.get("confirm", "").strip().lower() != "delete":
        messages.error(request, "Nothing was deleted: type DELETE in the box to confirm.")
        return redirect("account")
    account.account_data_delete(request.user)
    messages.success(request, "Your photos, faces, albums and Instagram token were deleted.")
    return redirect("account")


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=Report.Reason.choices)
    note = forms.CharField(required=False, max_length=2000)


@login_required
@require_POST
def photo_report(request, photo_id: int):
    photo = get_object_or_404(Photo.objects.visible_to(request.user), pk=photo_id)
    return _report(request, photo=photo)


@login_required
@require_POST
def face_report(request, face_id: int):
    face = get_object_or_404(Face.objects.visible_to(request.user).select_related("photo"), pk=face_id)
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
