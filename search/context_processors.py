"""`face_indexing_on` on every page: tiles and banners say "Face indexing is off" instead of a state
that will not change (settings.TEMPLATES' context_processors). Asked once per request, however many
tiles a status answer renders."""

from indexing.account.selectors import face_indexing_on_for_page


def face_indexing(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"face_indexing_on": False}
    if not hasattr(request, "_face_indexing_on"):
        request._face_indexing_on = face_indexing_on_for_page(user)
    return {"face_indexing_on": request._face_indexing_on}
