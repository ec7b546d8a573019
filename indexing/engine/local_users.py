"""Rekognition's user operations for the local engine (mixed into LocalEngine).

A user's similarity to a face is the highest similarity of that face to any face of the user,
so it keeps the face-to-face calibration of the model (80 = precision >= 0.99 on LFW).
"""

from __future__ import annotations

import re

import numpy as np

from .base import DEFAULT_ASSOCIATE_THRESHOLD, DEFAULT_USER_MATCH_THRESHOLD, MAX_FACES_PER_USER, FaceEngine
from .details import check_quality_filter, face_detail, reasons
from .errors import Conflict, InvalidParameter, ResourceNotFound, ServiceQuotaExceeded, Validation
from .paging import decode_token, encode_token
from .store import StoredUser, UserStore

USER_ID = re.compile(r"^[a-zA-Z0-9_.\-:]{1,128}$")
REQUEST_TOKEN = re.compile(r"^[a-zA-Z0-9\-_]{1,64}$")
MAX_USER_RESULTS = 500


class LocalUsers(FaceEngine):
    """The user operations on the engine's store (`store.users`) and its cached face matrix."""

    @property
    def users(self) -> UserStore:
        return self.store.users

    def _user(self, collection_id: str, user_id: str) -> StoredUser:
        self._collection(collection_id)
        _check_user_id(user_id)
        user = self.users.get_user(collection_id, user_id)
        if user is None:
            raise ResourceNotFound(f"The user id: {user_id} does not exist in collection {collection_id}")
        return user

    def create_user(self, collection_id, user_id, client_request_token=None):
        self._collection(collection_id)
        _check_user_id(user_id)
        _check_token(client_request_token)
        if not self.users.add_user(collection_id, user_id, client_request_token):
            existing = self.users.get_user(collection_id, user_id)
            if not (client_request_token and existing and existing.request_token == client_request_token):
                raise Conflict(f"The user id: {user_id} already exists in collection {collection_id}")
        return {}

    def delete_user(self, collection_id, user_id, client_request_token=None):
        self._user(collection_id, user_id)
        _check_token(client_request_token)
        self.users.remove_user(collection_id, user_id)
        return {}

    def list_users(self, collection_id, next_token=None, max_results=None):

        self._collection(collection_id)
        limit = _user_limit(max_results, "MaxResults")
        users = self.users.list_users(collection_id, decode_token(next_token), limit + 1)
        answer = {"Users": [{"UserId": u.user_id, "UserStatus": u.status} for u in users[:limit]]}
        if len(users) > limit:
            answer["NextToken"] = encode_token(users[limit - 1].user_id)
        return answer

    def associate_faces(
        self,
        collection_id,
        user_id,
        face_ids,
        user_match_threshold=DEFAULT_ASSOCIATE_THRESHOLD,
        client_request_token=None,
    ):
        user = self._user(collection_id, user_id)
        _check_face_ids(face_ids)
        _check_threshold(user_match_threshold)
        _check_token(client_request_token)
        owners = self.users.face_users(collection_id)
        present = {f.face_id: f for f in self.store.get_faces(collection_id, list(face_ids))}
        theirs = [f for f, u in owners.items() if u == user_id]
        new = [f for f in dict.fromkeys(face_ids) if f in present and owners.get(f) is None]
        scores = self._best_similarity(collection_id, {f: present[f].embedding for f in new}, theirs)
        ok, failed = [], []
        for face_id in dict.fromkeys(face_ids):
            if face_id not in present:
                failed.append({"FaceId": face_id, "Reasons": ["FACE_NOT_FOUND"]})
            elif owners.get(face_id) not in (None, user_id):
                failed.append(
                    {"FaceId": face_id, "UserId": owners[face_id], "Reasons": ["ASSOCIATED_TO_A_DIFFERENT_USER"]}
                )
            elif face_id in scores and scores[face_id] < user_match_threshold:
                failed.append(
                    {
                        "FaceId": face_id,
                        "UserId": user_id,
                        "Confidence": round(scores[face_id], 4),
                        "Reasons": ["LOW_MATCH_CONFIDENCE"],
                    }
                )
            else:
                ok.append(face_id)
        adding = [f for f in ok if owners.get(f) is None]
        if user.face_count + len(adding) > MAX_FACES_PER_USER:
            raise ServiceQuotaExceeded(f"A user holds at most {MAX_FACES_PER_USER} faces")
        if adding:
            self.users.set_face_user(collection_id, user_id, adding, associate=True)
        return {
            "AssociatedFaces": [{"FaceId": f} for f in ok],
            "UnsuccessfulFaceAssociations": failed,
            "UserStatus": "ACTIVE" if user.face_count + len(adding) else "CREATED",
        }

    def _best_similarity(
        self, collection_id: str, embeddings: dict[str, np.ndarray], user_faces: list[str]
    ) -> dict[str, float]:
        """{face id: its best similarity to the user's faces}; {} when the user has no face yet."""
        if not user_faces or not embeddings:
            return {}
        matrix = np.stack([f.embedding for f in self.store.get_faces(collection_id, user_faces)])
        return {face_id: float(self.model.similarity(e, matrix).max()) for face_id, e in embeddings.items()}

    def disassociate_faces(self, collection_id, user_id, face_ids, client_request_token=None):
        user = self._user(collection_id, user_id)
        _check_face_ids(face_ids)
        _check_token(client_request_token)
        owners = self.users.face_users(collection_id)
        present = {f.face_id for f in self.store.get_faces(collection_id, list(face_ids))}
        ok, failed = [], []
        for face_id in dict.fromkeys(face_ids):
            if face_id not in present:
                failed.append({"FaceId": face_id, "Reasons": ["FACE_NOT_FOUND"]})
            elif owners.get(face_id) != user_id:
                failed.append(
                    {
                        "FaceId": face_id,
                        **({"UserId": owners[face_id]} if face_id in owners else {}),
                        "Reasons": ["ASSOCIATED_TO_A_DIFFERENT_USER"],
                    }
                )
            else:
                ok.append(face_id)
        if ok:
            self.users.set_face_user(collection_id, user_id, ok, associate=False)
        left = user.face_count - len(ok)
        return {
            "DisassociatedFaces": [{"FaceId": f} for f in ok],
            "UnsuccessfulFaceDisassociations": failed,
            "UserStatus": "ACTIVE" if left else "CREATED",
        }

    def _user_matches(
        self, collection_id: str, queries: np.ndarray, threshold: float, max_users: int, exclude_user: str | None = None
    ) -> list[dict]:
        _check_threshold(threshold)
        _user_limit(max_users, "MaxUsers")
        owners = self.users.face_users(collection_id)
        faces = self._faces(collection_id, [f for f, u in owners.items() if u != exclude_user])
        best: dict[str, float] = {}
        if faces and len(queries):
            matrix = np.stack([f.embedding for f in faces])
            sims = np.max([self.model.similarity(q, matrix) for q in queries], axis=0)
            for face, sim in zip(faces, sims):
                user_id = owners[face.face_id]
                best[user_id] = max(best.get(user_id, 0.0), float(sim))
        ranked = sorted(((s, u) for u, s in best.items() if s >= threshold), key=lambda p: (-p[0], p[1]))
        return [
            {"Similarity": round(s, 4), "User": {"UserId": u, "UserStatus": "ACTIVE"}} for s, u in ranked[:max_users]
        ]

    def search_users(
        self,
        collection_id,
        user_id=None,
        face_id=None,
        user_match_threshold=DEFAULT_USER_MATCH_THRESHOLD,
        max_users=MAX_USER_RESULTS,
    ):
        self._collection(collection_id)
        if (user_id is None) == (face_id is None):
            raise InvalidParameter("Give exactly one of UserId and FaceId")
        answer = {"FaceModelVersion": self.version}
        if face_id is not None:
            found = self.store.get_faces(collection_id, [face_id])
            if not found:
                raise InvalidParameter(f"Face {face_id} is not in collection {collection_id}")
            queries, answer["SearchedFace"] = np.stack([found[0].embedding]), {"FaceId": face_id}
        else:
            self._user(collection_id, user_id)
            mine = [f for f, u in self.users.face_users(collection_id).items() if u == user_id]
            faces = self.store.get_faces(collection_id, mine)
            queries = np.stack([f.embedding for f in faces]) if faces else np.zeros((0, 0), np.float32)
            answer["SearchedUser"] = {"UserId": user_id}
        answer["UserMatches"] = self._user_matches(
            collection_id, queries, user_match_threshold, max_users, exclude_user=user_id
        )
        return answer

    def search_users_by_image(
        self,
        collection_id,
        image_bytes,
        user_match_threshold=DEFAULT_USER_MATCH_THRESHOLD,
        max_users=MAX_USER_RESULTS,
        quality_filter="NONE",
    ):
        self._collection(collection_id)
        check_quality_filter(quality_filter)
        faces = self.detect(image_bytes)
        usable = [f for f in faces if not reasons(f, quality_filter)]
        if not usable:
            raise InvalidParameter(
                "There are no faces in the image. Should be at least 1."
                if not faces
                else "No face of the image passes the quality filter."
            )
        searched = usable[0]
        unsearched = [
            {"FaceDetails": face_detail(f), "Reasons": reasons(f, quality_filter) or ["FACE_NOT_LARGEST"]}
            for f in faces
            if f is not searched
        ]
        return {
            "UserMatches": self._user_matches(
                collection_id, np.stack([searched.embedding]), user_match_threshold, max_users
            ),
            "FaceModelVersion": self.version,
            "SearchedFace": {"FaceDetail": face_detail(searched)},
            "UnsearchedFaces": unsearched,
        }

    def _faces(self, collection_id: str, face_ids: list[str], chunk: int = 10_000) -> list:
        """store.get_faces in chunks (a database bounds the parameters of one query)."""
        return [
            f
            for i in range(0, len(face_ids), chunk)
            for f in self.store.get_faces(collection_id, face_ids[i : i + chunk])
        ]

    def face_similarities(self, collection_id, face_ids, threshold):
        self._collection(collection_id)
        faces = self._faces(collection_id, list(dict.fromkeys(face_ids)))
        wanted = [f.face_id for f in faces]
        sub = np.stack([f.embedding for f in faces]) if faces else np.zeros((0, 0), np.float32)
        answer = {}
        for i, face_id in enumerate(wanted):
            sims = self.model.similarity(sub[i], sub)
            answer[face_id] = {wanted[j]: round(float(sims[j]), 4) for j in np.flatnonzero(sims >= threshold) if j != i}
        return answer


def _check_user_id(user_id: str) -> None:
    if not isinstance(user_id, str) or not USER_ID.match(user_id):
        raise Validation("UserId must match [a-zA-Z0-9_.\\-:]+ (1-128 characters)")


def _check_token(token: str | None) -> None:
    if token is not None and not REQUEST_TOKEN.match(token):
        raise Validation("ClientRequestToken must match ^[a-zA-Z0-9-_]+$ (1-64 characters)")


def _check_face_ids(face_ids: list[str]) -> None:
    if not 1 <= len(face_ids) <= MAX_FACES_PER_USER:
        raise Validation(f"FaceIds must hold 1 to {MAX_FACES_PER_USER} ids")


def _check_threshold(threshold: float) -> None:
    if not 0 <= threshold <= 100:
        raise Validation("UserMatchThreshold must be between 0 and 100")


def _user_limit(value: int | None, name: str) -> int:
    if value is None:
        return MAX_USER_RESULTS
    if not 1 <= value <= MAX_USER_RESULTS:
        raise Validation(f"{name} must be between 1 and {MAX_USER_RESULTS}")
    return value
