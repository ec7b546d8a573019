"""Why Instagram refused a login, and what the person can do next (the page at /instagram/refused/)."""

from __future__ import annotations

SESSION_KEY = "instagram_refused"

# reason -> (what happened, what to do next); the page also offers the data-download import.
REASONS = {
    "personal": (
        "Instagram refused because your account is a personal account. Instagram's login for apps works only "
        "with professional (Business or Creator) accounts.",
        "Either switch to a professional account in the Instagram app (Settings, Account type and tools, "
        "Switch to professional account: it is free and can be switched back), then log in again; or import "
        "your Instagram data download, which works for every account.",
    ),
    "no_role": (
        "Instagram refused because faceapp's Instagram app is not open to everyone yet: until Meta grants it "
        "Advanced Access, only accounts added to the app as testers can log in.",
        "Ask the operator of this faceapp to add your Instagram account as an Instagram Tester, accept the "
        "invitation in Instagram (Settings, Apps and websites, Tester invites), then log in again; or import "
        "your Instagram data download.",
    ),
    "denied": (
        "You cancelled the login on Instagram (or did not allow faceapp to read your profile and media).",
        "Log in with Instagram again and choose Allow; or import your Instagram data download instead.",
    ),
    "permission": (
        "Instagram refused because faceapp's Instagram app lacks a permission (error 10). Logging in again "
        "does not fix this.",
        "The operator of this faceapp must request the permission (instagram_business_basic, Advanced Access) "
        "in the Meta app dashboard. Meanwhile, import your Instagram data download.",
    ),
    "unknown": (
        "Instagram did not let faceapp in.",
        "Instagram's login works only for professional (Business or Creator) accounts, and, until faceapp's "
        "app passes Meta's review, only for accounts added as testers. Check both, or import your Instagram "
        "data download, which works for every account.",
    ),
}


def reason_of_error(data: dict) -> str:
    """The refusal named by Instagram's ?error=...&error_reason=...&error_description=... redirect."""
    words = " ".join(str(data.get(k) or "") for k in ("error", "error_reason", "error_description")).lower()
    if "professional" in words or "personal" in words or "business account" in words:
        return "personal"
    if "role" in words or "tester" in words or "developer" in words:
        return "no_role"
    if "permission" in words or "code 10" in words:
        return "permission"
    if "denied" in words or "cancel" in words:
        return "denied"
    return "unknown"


def remember_refusal(strategy, reason: str) -> None:
    strategy.session_set(SESSION_KEY, reason if reason in REASONS else "unknown")


def refusal_for(reason: str | None) -> dict:
    key = reason if reason in REASONS else "unknown"
    what, next_step = REASONS[key]
    return {"reason": key, "what": what, "next_step": next_step}
