"""People's writes: naming faces, auto-tagging, groups of unnamed faces, edits and their undo.

What other domains and the views may call is named here; the modules behind it are private to
people (tests and bench/ may reach into them to measure one step). Inside this package a module
imports its siblings directly, never this `__init__`, so that no import cycle closes through it.

Services take the owner and rows the caller already loaded for that owner (people.selectors
does), change the database in one transaction, record a PeopleEvent to undo, and bring the
engine users of the people they touched in line once committed.

- naming: 'This is…' on a face or a whole group, accepting and rejecting suggestions;
- edits: rename, merge, split, hide, cover, 'not a face', joining two groups;
- history: undo;
- autotag: the photo pipeline's last step (tag a newly indexed photo, keep names across re-indexing);
- grouping (a new face, as it is indexed) and clusters (a full regrouping, the cluster_faces command);
- engine_users: each named person is an engine user holding their confirmed faces;
- errors, person_names, face_changes, events, exclusions, owner_settings: what those share.
"""

from .autotag import remember_people, tag_people_step
from .clusters import ClusterReport, cluster_user_faces
from .edits import hide_person, join_groups, mark_not_a_face, merge_people, rename_person, set_cover, split_faces
from .errors import PeopleError
from .history import undo
from .naming import Named, accept_suggestions, name_cluster, name_face, reject_faces
from .owner_settings import people_settings

__all__ = [
    "ClusterReport",
    "Named",
    "PeopleError",
    "accept_suggestions",
    "cluster_user_faces",
    "hide_person",
    "join_groups",
    "mark_not_a_face",
    "merge_people",
    "name_cluster",
    "name_face",
    "people_settings",
    "reject_faces",
    "remember_people",
    "rename_person",
    "set_cover",
    "split_faces",
    "tag_people_step",
    "undo",
]
