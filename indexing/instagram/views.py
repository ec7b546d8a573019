"""The Instagram page (login, import, progress), the login-refused page, the crawl's progress JSON and button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import selectors
from .models import InstagramCrawl
from .refusals import SESSION_KEY, refusal_for
from .services import LINKED_ELSEWHERE_KEY, crawl_start, token_for


@login_required
def instagram_page(request):
    context = {
        "instagram_page": True,
        **selectors.crawl_panel_for(request.user),
        **selectors.import_panel_for(request.user),
    }
    return render(request, "indexing/instagram.html", context)


def login_refused(request):
    """Where a refused 'Log in with Instagram' lands: which refusal it was, and what to do next."""
    reason = request.GET.get("reason") or request.session.pop(SESSION_KEY, None)
    return render(request, "indexing/instagram_refused.html", refusal_for(reason))


@login_required
def linked_elsewhere(request):
    """Where connecting an Instagram account that another faceapp account holds lands: what to do."""
    username = request.session.pop(LINKED_ELSEWHERE_KEY, "")
    return render(request, "indexing/instagram_linked_elsewhere.html", {"instagram_username": username})


@login_required
def crawl_status(request, crawl_id: int):
    crawl = get_object_or_404(InstagramCrawl, pk=crawl_id, owner=request.user)
    return JsonResponse({**selectors.crawl_progress(crawl), "faces": selectors.crawl_recent_faces(crawl)})


@login_required
@require_POST
def crawl_new(request):
    if token_for(request.user) is None:
        messages.info(request, "Connect Instagram first.")
    else:
        crawl_start(request.user)
    return redirect(request.POST.get("back") == "instagram" and "instagram" or "gallery")
