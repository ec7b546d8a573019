"""The report form partial, included with one line where a photo or a face is shown."""

from django import template
from django.urls import reverse

from ..forms import ReportForm

register = template.Library()


@register.inclusion_tag("indexing/_report_form.html", takes_context=True)
def report_form(context, what: str, pk: int):
    """{% report_form "photo" photo.pk %} or {% report_form "face" face.pk %}: a small form to report it."""
    return {
        "what": what,
        "report_url": reverse(f"{what}_report", args=[pk]),
        "form": ReportForm(auto_id=f"report-{what}-%s"),
        "csrf_token": context.get("csrf_token"),
    }
