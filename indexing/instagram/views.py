"""Small views: the crawl's progress as JSON (for static/js/crawl_progress.js) and the 'fetch new posts' button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from . import progress
from .accounts import token_for
from .crawl import crawl_start
from .models import InstagramCrawl


@login_required
def crawl_status(request, crawl_id: int):
    crawl = get_object_or_404(InstagramCrawl, pk=crawl_id, owner=request.user)
    return JsonResponse({**progress.crawl_progress(crawl), "faces": progress.recent_faces(crawl)})


@login_required
@require_POST
def crawl_new(request):
    if token_for(request.user) is None:
        messages.info(request, "Connect Instagram first.")
    else:
        crawl_start(request.user)
    return redirect("gallery")
