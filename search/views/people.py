"""People pages: list, person, groups of unnamed faces, search by names, living albums, settings.

Reads go through indexing.people.selectors, writes through the people services; every id is the user's or 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from indexing.models import LivingAlbum, PeopleEvent, TaggingCredential
from indexing.people import selectors as sel
from indexing.people import services as people
from indexing.photos import selectors
from indexing.tagging import services as tagging

from .photos import count_label, timeline


@login_required
def people_list(request):
    hidden = request.GET.get("hidden") == "1"
    return render(
        request,
        "search/person_list.html",
        {
            "people": sel.people_list_for_user(request.user, hidden=hidden),
            "tile_count_cap": f"{selectors.TILE_COUNT_CAP:,}",
            "hidden": hidden,
            "clusters": sel.clusters_for_user(request.user, limit=12),
        },
    )


@login_required
def person_detail(request, person_id: int):
    person = sel.person_page_for_user(request.user, person_id)
    photos = sel.person_photo_tiles(request.user, person)
    return render(
        request,
        "search/person.html",
        {
            "person": person,
            **timeline(request, photos),
            "count_label": count_label(photos),
            "albums": selectors.album_choices_for_user(request.user),
            "viewer_qs": f"in=person-{person.pk}",
            "faces": sel.person_face_tiles(person, confirmed=True),
            "suggestions": sel.person_face_tiles(person, confirmed=False),
            "history": sel.person_history(person),
            "others": sel.people_names_for_user(request.user).exclude(pk=person.pk),
        },
    )


@login_required
def person_merge(request, person_id: int):
    """Before a merge: both people's faces side by side, and the button that does it."""
    person = sel.person_for_user(request.user, person_id)
    into = request.GET.get("into", "")
    if not into.isdigit():
        messages.error(request, "Choose the person to merge with.")
        return redirect("person", person.pk)
    other = sel.person_for_user(request.user, int(into))
    if other.pk == person.pk:
        raise Http404("A person cannot be merged with themselves")
    return render(
        request,
        "search/person_merge.html",
        {
            "person": person,
            "other": other,
            "person_faces": sel.person_faces(person, confirmed=True)[:12],
            "other_faces": sel.person_faces(other, confirmed=True)[:12],
        },
    )


@login_required
def name_suggestions(request):
    """Names of the user's people containing ?q= (any case), for the name fields' suggestions."""
    return JsonResponse({"names": sel.name_suggestions(request.user, request.GET.get("q", "")[:100])})


def _ids(request) -> list[int]:
    return [int(i) for i in request.POST.getlist("face") if i.isdigit()]


def _rename(request, person):
    people.rename_person(request.user, person, request.POST.get("name", ""))
    return "Renamed."


def _merge(request, person):
    other = sel.person_for_user(request.user, int(request.POST.get("into") or 0))
    people.merge_people(request.user, person, other)
    return redirect("person", other.pk), f"Merged {person.name} into {other.name}."


def _split(request, person):
    people.split_faces(request.user, person, _ids(request), request.POST.get("name", ""))
    return "Split off."


def _accept(request, person):
    return f"Confirmed {people.accept_suggestions(request.user, person, _ids(request))} face(s)."


def _reject(request, person):
    return f"{people.reject_faces(request.user, person, _ids(request))} face(s) will not be suggested again."


def _hide(request, person):
    people.hide_person(request.user, person, request.POST.get("hidden") != "0")
    return "Hidden from the list." if person.hidden else "Shown in the list."


def _cover(request, person):
    people.set_cover(request.user, person, selectors.face_for_user(request.user, int(request.POST.get("face") or 0)))
    return "New cover."


ACTIONS = {
    "rename": _rename,
    "merge": _merge,
    "split": _split,
    "accept": _accept,
    "reject": _reject,
    "hide": _hide,
    "cover": _cover,
}


@login_required
@require_POST
def person_action(request, person_id: int, action: str):
    person = sel.person_for_user(request.user, person_id)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404("No such action")
    response = redirect("person", person.pk)
    try:
        result = handler(request, person)
    except people.PeopleError as e:
        messages.error(request, str(e))
        return response
    if isinstance(result, tuple):
        response, result = result
    messages.success(request, result)
    return response


@login_required
@require_POST
def event_undo(request, event_id: int):
    event = get_object_or_404(PeopleEvent, pk=event_id, owner=request.user)
    try:
        touched = people.undo(request.user, event)
        messages.success(request, f"Undone: {event.summary}.")
    except people.PeopleError as e:
        messages.error(request, str(e))
        touched = [event.person] if event.person_id else []
    live = [p for p in touched if p and p.merged_into_id is None]
    if event.action == PeopleEvent.Action.NOT_A_FACE:
        photo = event.payload.get("photo")
        if request.POST.get("next") == "photo" and photo:
            return redirect("photo", photo)
        person = event.person
        if request.POST.get("next") == "person" and person and person.merged_into_id is None:
            return redirect("person", person.pk)
        return redirect("people_settings")
    return redirect("person", live[0].pk) if live else redirect("people")


@login_required
@require_POST
def face_name(request, face_id: int):
    face = selectors.face_for_user(request.user, face_id)
    try:
        named = people.name_face(
            request.user, face, request.POST.get("name", ""), with_matches=request.POST.get("matches") == "1"
        )
    except people.PeopleError as e:
        messages.error(request, str(e))
        return redirect("face_matches", face.pk)
    messages.success(
        request, f"This is {named.person.name}: {named.confirmed} face(s) named, {named.suggested} more suggested."
    )
    return redirect("person", named.person.pk)


@login_required
@require_POST
def face_not_a_face(request, face_id: int):
    face = selectors.face_for_user(request.user, face_id)
    people.mark_not_a_face(request.user, face)
    messages.success(request, "Marked as not a face; it stays out when the photo is indexed again (Undo below).")
    return redirect("photo", face.photo_id)


@login_required
def groups(request):
    clusters = sel.clusters_for_user(request.user, limit=500)
    return render(
        request,
        "search/person_groups.html",
        {"clusters": clusters, "look_alike": sel.look_alike_groups(request.user, clusters[:12])},
    )


@login_required
@require_POST
def group_action(request, cluster_id: int, action: str):
    cluster = sel.cluster_for_user(request.user, cluster_id)
    if action not in ("hide", "name", "join"):
        raise Http404("No such action")
    if action == "join":
        other = sel.cluster_for_user(request.user, int(request.POST.get("other") or 0))
        try:
            moved = people.join_groups(request.user, cluster, other)
        except people.PeopleError as e:
            messages.error(request, str(e))
            return redirect("people_groups")
        messages.success(request, f"One person now: {moved} face(s) joined the group.")
        return redirect(f"{reverse('people_groups')}#group-{cluster.pk}")
    if action == "hide":
        cluster.hidden = True
        cluster.save(update_fields=["hidden"])
        messages.success(request, "Group hidden.")
        return redirect("people_groups")
    try:
        named = people.name_cluster(request.user, cluster, request.POST.get("name", ""))
    except people.PeopleError as e:
        messages.error(request, str(e))
        return redirect("people_groups")
    messages.success(request, f"Named {named.confirmed} face(s) {named.person.name}.")
    return redirect("person", named.person.pk)


@login_required
def people_search(request):
    query = request.GET.get("q", "")
    found, unknown = sel.parse_people_query(request.user, query)
    rule = LivingAlbum.Rule.ONLY if request.GET.get("only") == "1" else LivingAlbum.Rule.ALL
    photos = sel.photos_with_people(request.user, [] if unknown else found, rule)
    maybe = {word: sel.name_suggestions(request.user, word, limit=5) for word in unknown}
    viewer = QueryDict(mutable=True)
    viewer.update({"in": "names", "q": query, "only": "1" if rule == LivingAlbum.Rule.ONLY else ""})
    return render(
        request,
        "search/person_search.html",
        {
            "query": query,
            "found": found,
            "unknown": unknown,
            "maybe": maybe,
            "only": rule == LivingAlbum.Rule.ONLY,
            **timeline(request, photos),
            "count_label": count_label(photos),
            "page_qs": urlencode({"q": query, **({"only": "1"} if rule == LivingAlbum.Rule.ONLY else {})}),
            "albums": selectors.album_choices_for_user(request.user),
            "viewer_qs": viewer.urlencode(),
        },
    )


@login_required
def living_albums(request):
    if request.method == "POST":
        ids = [i for i in request.POST.getlist("person") if i.isdigit()]
        chosen = list(sel.people_of(request.user).filter(pk__in=ids))
        title = request.POST.get("title", "").strip()[:200] or ", ".join(p.name for p in chosen)
        if not chosen:
            messages.error(request, "Choose at least one person.")
            return redirect("living_albums")
        rule = request.POST.get("rule") if request.POST.get("rule") in LivingAlbum.Rule.values else "any"
        with transaction.atomic():
            album = LivingAlbum.objects.create(owner=request.user, title=title, rule=rule)
            album.people.set(chosen)
        return redirect("living_album", album.pk)
    return render(
        request,
        "search/person_albums.html",
        {
            "albums": LivingAlbum.objects.filter(owner=request.user).prefetch_related("people"),
            "people": sel.people_for_user(request.user),
            "rules": LivingAlbum.Rule.choices,
        },
    )


@login_required
def living_album(request, living_album_id: int):
    album = sel.living_album_for_user(request.user, living_album_id)
    photos = sel.photos_with_people(request.user, list(album.people.all()), album.rule)
    return render(
        request,
        "search/person_album.html",
        {
            "album": album,
            **timeline(request, photos),
            "count_label": count_label(photos),
            "albums": selectors.album_choices_for_user(request.user),
        },
    )


@login_required
def people_settings(request):
    current = people.people_settings(request.user)
    token = webhook_secret = None
    if request.method == "POST" and request.POST.get("do") == "threshold":
        try:
            value = float(request.POST.get("threshold", ""))
        except ValueError:
            value = -1
        if 0 <= value <= 100:
            current.match_threshold = value
            current.save(update_fields=["match_threshold"])
            messages.success(request, f"Faces are now tagged from {value:g}% similarity.")
        else:
            messages.error(request, "The threshold is a number from 0 to 100.")
    elif request.method == "POST" and request.POST.get("do") == "credentials":
        made = tagging.credentials_create(request.user)
        token, webhook_secret = made.token, made.webhook_secret
    credential = TaggingCredential.objects.filter(owner=request.user).first()
    webhook = reverse("tagging_webhook", args=[credential.webhook_id]) if credential else ""
    return render(
        request,
        "search/person_settings.html",
        {
            "settings": current,
            "token": token,
            "webhook_secret": webhook_secret,
            "credential": credential,
            "not_faces": PeopleEvent.objects.filter(
                owner=request.user, action=PeopleEvent.Action.NOT_A_FACE, undone_at__isnull=True
            )[:50],
            "webhook_url": request.build_absolute_uri(webhook) if credential else "",
        },
    )
