"""People: naming faces, auto-tagging, groups of unnamed faces, undo (the write side).

Services take the owner and rows the caller already loaded for that owner (search/people_selectors
does), change the database in one transaction, record a PeopleEvent to undo, and bring the
engine users of the people they touched in line once committed.
"""

from .autotag import autotag_photo, remember_people, request_clustering, tag_people_step
from .clusters import cluster_if_due, cluster_labels, cluster_user_faces
from .common import PeopleError, people_of, people_settings, person_named, threshold_for
from .edits import hide_person, mark_not_a_face, merge_people, rename_person, set_cover, split_faces
from .engine_users import sync_engine_users
from .fetch import FetchRefused, check_url, fetch_photo
from .history import undo
from .naming import Named, accept_suggestions, name_cluster, name_face, reject_faces, similar_faces
from .tagging import TaggingError, credentials_create, owner_for_token, tag_photo, webhook_process, webhook_receive

__all__ = [
    "FetchRefused",
    "Named",
    "PeopleError",
    "TaggingError",
    "accept_suggestions",
    "autotag_photo",
    "check_url",
    "cluster_if_due",
    "cluster_labels",
    "cluster_user_faces",
    "credentials_create",
    "fetch_photo",
    "hide_person",
    "mark_not_a_face",
    "merge_people",
    "name_cluster",
    "name_face",
    "owner_for_token",
    "people_of",
    "people_settings",
    "person_named",
    "reject_faces",
    "remember_people",
    "rename_person",
    "request_clustering",
    "set_cover",
    "similar_faces",
    "split_faces",
    "sync_engine_users",
    "tag_people_step",
    "tag_photo",
    "threshold_for",
    "undo",
    "webhook_process",
    "webhook_receive",
]
