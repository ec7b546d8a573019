"""Template tags for the Instagram partials (templates/indexing/_*.html), so each include stays one line."""

from django import template

from ..instagram import accounts, progress

register = template.Library()


@register.simple_tag
def instagram_configured() -> bool:
    return accounts.instagram_configured()


@register.simple_tag(takes_context=True)
def instagram_crawl(context):
    """The signed-in user's latest crawl with its progress, or None."""
    user = context.get("user")
    crawl = progress.latest_crawl(user) if user is not None else None
    return progress.crawl_progress(crawl) if crawl else None


@register.simple_tag(takes_context=True)
def instagram_connected(context) -> bool:
    user = context.get("user")
    return bool(user is not None and user.is_authenticated and accounts.token_for(user))
