"""Sign-up and the account page (consent, export, deletion): small views over indexing/account/."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from indexing.account import selectors
from indexing.account import services as account
from indexing.photos.services import clean_file_name

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def signup(request):
    """Local sign-up: a username and a password, then straight into the (empty) gallery."""
    if request.user.is_authenticated:
        return redirect("gallery")
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # Named, because other backends (Instagram) may be configured too.
        login(request, user, backend=MODEL_BACKEND)
        if request.POST.get("face_indexing") == "on":
            account.face_indexing_enable(user)
        return redirect("gallery")
    return render(request, "registration/signup.html", {"form": form, "notice": account.FACE_INDEXING_NOTICE})


@login_required
@require_GET
def account_page(request):
    return render(
        request,
        "indexing/account.html",
        {"notice": account.FACE_INDEXING_NOTICE, **selectors.account_summary(request.user)},
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
    name = f"faceapp-{clean_file_name(request.user.get_username(), portable=True)}-{timezone.now():%Y-%m-%d}.zip"
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
