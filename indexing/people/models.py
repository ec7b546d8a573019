"""People: named persons, groups of unnamed faces, decisions, the undo log, settings, living albums."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from ..photos.models import Face, Photo


class Person(models.Model):
    """Someone a user named; their faces point here (Face.person). Merged people are kept for undo."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=100)
    cover_face = models.ForeignKey(Face, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    hidden = models.BooleanField(default=False)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    engine_face_ids = models.JSONField(
        default=list, blank=True, help_text="The faces associated with its engine user at the last sync"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "owner", condition=Q(merged_into__isnull=True), name="person_name_unique_per_owner"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def engine_user_id(self) -> str:
        return f"person-{self.pk}"


class FaceCluster(models.Model):
    """A group of unnamed faces that look alike, made by the clustering job; named in one step."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="face_clusters")
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"group {self.pk}"


class FaceDecision(models.Model):
    """What a user said about a face, kept by photo and box so that re-indexing the photo keeps it."""

    class Kind(models.TextChoices):
        REJECTED = "rejected", "Not this person"
        NOT_A_FACE = "not_a_face", "Not a face"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="face_decisions")
    face = models.ForeignKey(Face, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    left = models.FloatField()
    top = models.FloatField()
    width = models.FloatField()
    height = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)


class PeopleEvent(models.Model):
    """One change to people (naming, merge, split, ...) with what undoing it needs."""

    class Action(models.TextChoices):
        NAME = "name", "Named"
        ASSIGN = "assign", "Assigned faces"
        ACCEPT = "accept", "Accepted suggestions"
        REJECT = "reject", "Rejected suggestions"
        RENAME = "rename", "Renamed"
        MERGE = "merge", "Merged"
        SPLIT = "split", "Split off faces"
        HIDE = "hide", "Hid or showed"
        COVER = "cover", "Chose the cover face"
        NOT_A_FACE = "not_a_face", "Marked not a face"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    summary = models.CharField(max_length=300)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class PeopleSettings(models.Model):
    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="people_settings")
    match_threshold = models.FloatField(help_text="Auto-tag a face with a person from this similarity (0-100)")


class LivingAlbum(models.Model):
    """Every photo of some people, as a saved search: it fills itself as photos are indexed."""

    class Rule(models.TextChoices):
        ANY = "any", "Any of these people"
        ALL = "all", "All of these people together"
        ONLY = "only", "Only these people, nobody else"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="living_albums")
    title = models.CharField(max_length=200)
    people = models.ManyToManyField(Person, related_name="living_albums")
    rule = models.CharField(max_length=10, choices=Rule.choices, default=Rule.ANY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self):
        return self.title
