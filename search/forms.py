"""The small forms of the pages: a new album, the similarity threshold of a search, a report."""

from django import forms
from django.conf import settings

from indexing.models import Album, Report


class AlbumForm(forms.Form):
    title = forms.CharField(label="Album title", max_length=Album._meta.get_field("title").max_length, strip=True)


class ThresholdForm(forms.Form):
    threshold = forms.FloatField(
        label="Minimum similarity (%)",
        min_value=0,
        max_value=100,
        required=False,
        widget=forms.NumberInput(attrs={"type": "range", "step": "1", "min": "0", "max": "100"}),
    )

    def threshold_or_default(self) -> float:
        """The threshold asked for when it is valid, otherwise the deployment's default."""
        if self.is_valid() and self.cleaned_data["threshold"] is not None:
            return self.cleaned_data["threshold"]
        return settings.FACE_MATCH_THRESHOLD


class ReportForm(forms.Form):
    reason = forms.ChoiceField(choices=Report.Reason.choices)
    note = forms.CharField(required=False, max_length=2000)
