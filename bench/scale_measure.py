"""What bench/scale.py measures at each size (Django is set up by scale_stack.Stack first)."""

from __future__ import annotations

import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

SHARED = Path(__file__).resolve().parents[2] / "shared"
FACES_PER_PERSON = 20  # synthetic identities: this many faces each, cosine ~0.6 within, ~0 across
NOISE = 0.036  # per dimension: two faces of one synthetic person have cosine ~ 1 / (1 + 512 * NOISE**2)
CHUNK = 5000
PLACEHOLDER = "bench/placeholder.jpg"
LFW_PREFIX = "lfw_"  # the fill's photos of real faces (../shared/faces-lfw embeddings)


@dataclass
class Rate:
    photos: int
    per_second: float  # wall clock, on this machine as loaded as it is
    cpu_ms: float  # worker CPU per photo: 2000 / cpu_ms is the rate on 2 idle cores


@dataclass
class Latency:
    p50: float
    p99: float
    recall: float


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def make_owner():
    from django.contrib.auth import get_user_model

    from indexing.models import AccountSettings

    owner = get_user_model().objects.create_user("bench", password="pw-bench-123", is_staff=True, is_superuser=True)
    AccountSettings.objects.create(user=owner, face_indexing_enabled=True)
    return owner


def phone_photos(folder: Path, n: int) -> list[Path]:
    """`n` distinct 12-MP JPEGs (q90) made from the shared photos: upscaled to 4000x3000, each shifted."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(p for p in (SHARED / "faces").iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    made = []
    for i in range(n):
        im = ImageOps.exif_transpose(Image.open(sources[i % len(sources)])).convert("RGB")
        size = (4000, 3000) if im.width >= im.height else (3000, 4000)
        shift = i // len(sources)  # a few pixels more cropped each round: other bytes, same people
        im = im.crop((shift, shift, im.width - shift, im.height - shift)).resize(size, Image.Resampling.BICUBIC)
        made.append(folder / f"phone_{i:04d}.jpg")
        im.save(made[-1], quality=90)
    return made


def face_count(owner) -> int:
    from indexing.models import Face

    return Face.objects.filter(owner=owner).count()


def photo_count(owner) -> int:
    from indexing.models import Photo

    return Photo.objects.filter(owner=owner).count()


def synthetic_photo(owner, album, file_name: str):
    """An indexed 12-MP photo row whose files are the placeholder (not saved)."""
    from indexing.models import Photo

    return Photo(
        owner=owner,
        album=album,
        original=PLACEHOLDER,
        thumbnail=PLACEHOLDER,
        file_name=file_name,
        format="JPEG",
        width=4000,
        height=3000,
        size_bytes=1,
        content_hash=uuid.uuid4().hex,
        status=Photo.Status.INDEXED,
    )


def fill(owner, size: int, seed: int = 13) -> None:
    """Photos without pixels (one face each) until the owner has `size` photos: first the real arcface
    embeddings of ../shared/faces-lfw (once: the search's queries), then person-clustered synthetic ones."""
    from django.conf import settings

    from indexing.engine.store import StoredFace
    from indexing.face_index import collection_id_for, get_engine
    from indexing.face_index.store import DatabaseStore
    from indexing.models import Album, Face, Person, Photo
    from indexing.photos.services import album_get_or_create

    placeholder = Path(settings.MEDIA_ROOT) / PLACEHOLDER
    if not placeholder.exists():
        placeholder.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (64, 48), (120, 110, 100)).save(placeholder, quality=80)
    collection = collection_id_for(owner)
    get_engine().ensure_collection(collection)
    album = album_get_or_create(owner, "Synthetic", Album.Source.FOLDER)
    rng, store = np.random.default_rng(seed + size), DatabaseStore()

    def add(names: list[str], vectors: np.ndarray) -> None:
        photos = Photo.objects.bulk_create(synthetic_photo(owner, album, name) for name in names)
        stored = [
            StoredFace(str(uuid.uuid4()), str(uuid.uuid4()), p.external_image_id, _BOX, 99.0, v)
            for p, v in zip(photos, vectors)
        ]
        store.add_faces(collection, stored)
        Face.objects.bulk_create(
            Face(
                owner=owner, photo=p, engine_face_id=s.face_id, crop=PLACEHOLDER, confidence=99.0, quality=50.0, **_ROW
            )
            for p, s in zip(photos, stored)
        )

    if not _faces_named(owner, LFW_PREFIX, 1):  # embedded once (cached under var/bench), added once
        real = _lfw_vectors()
        if size - photo_count(owner) >= len(real):
            add([f"{LFW_PREFIX}{k}.jpg" for k in range(len(real))], real)
    start = photo_count(owner)
    for first in range(start, size, CHUNK):
        n = min(CHUNK, size - first)
        add([f"synthetic_{first + i}.jpg" for i in range(n)], _embeddings(rng, first, n))
    if not Person.objects.filter(owner=owner).exists():  # one named person with 100 faces, for the person page
        person = Person.objects.create(owner=owner, name="Synthetic person")
        ids = list(
            Face.objects.filter(owner=owner, photo__album=album)
            .exclude(photo__file_name__startswith=LFW_PREFIX)  # synthetic faces, not the LFW people
            .order_by("pk")
            .values_list("pk", flat=True)[:100]
        )
        Face.objects.filter(pk__in=ids).update(person=person, person_confirmed=True)


_BOX = {"Left": 0.4, "Top": 0.3, "Width": 0.2, "Height": 0.3}
_ROW = {"left": 0.4, "top": 0.3, "width": 0.2, "height": 0.3}


def _lfw_vectors() -> np.ndarray:
    from bench.embeddings import lfw

    return lfw()[0]


def _embeddings(rng, first: int, n: int) -> np.ndarray:
    people = {}
    rows = []
    for i in range(first, first + n):
        who = i // FACES_PER_PERSON
        if who not in people:
            centre = np.random.default_rng(who).normal(size=512)
            people[who] = centre / np.linalg.norm(centre)
        rows.append(people[who] + rng.normal(scale=NOISE, size=512))
    matrix = np.asarray(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def index_through_workers(stack, owner, files: list[Path]) -> Rate:
    """photo_create for each file, then the workers index them; photos/s after a 2-photo warm-up."""
    from indexing.models import Photo
    from indexing.photos.services import After, photo_create

    ids = [photo_create(owner, f.read_bytes(), f.name, then=After.STORE).photo.pk for f in files]
    warm, measured = ids[:2], ids[2:]
    _run(warm)
    started, cpu = time.perf_counter(), stack.worker_cpu()
    _run(measured)
    elapsed, cpu = time.perf_counter() - started, stack.worker_cpu() - cpu
    failed = Photo.objects.filter(pk__in=ids, status=Photo.Status.FAILED).count()
    if failed or not measured:
        return Rate(len(ids) - failed, 0.0, float("nan"))
    return Rate(len(ids), len(measured) / elapsed, 1000 * cpu / len(measured))


def _run(ids: list[int], timeout: float = 900) -> None:
    from indexing.models import Photo
    from indexing.photos.services import photos_enqueue

    photos_enqueue(ids)
    done = (Photo.Status.INDEXED, Photo.Status.FAILED)
    deadline = time.time() + timeout
    while Photo.objects.filter(pk__in=ids, status__in=done).count() < len(ids):
        if time.time() > deadline:
            raise RuntimeError("the workers did not index the photos in time")
        time.sleep(0.05)


def _faces_named(owner, prefix: str, limit: int):
    """The newest `limit` faces of the owner's photos whose file name starts with `prefix`."""
    from indexing.models import Face

    return list(Face.objects.filter(owner=owner, photo__file_name__startswith=prefix).order_by("-pk")[:limit])


def _real_faces(owner, limit: int = 50):
    return _faces_named(owner, "phone_", limit)


def build_index(owner) -> float:
    """Seconds to bring the collection's search index up to date in this process: after a fill, its
    HNSW file is built from the database once (the workers, sharing FACE_INDEX_DIR, map that file), so
    the photos/s measured next is the steady state, not the one-time build."""
    from indexing.face_index import collection_id_for, local_engine

    engine = local_engine()
    started = time.perf_counter()
    engine.index.collection(engine.store.get_collection(collection_id_for(owner)))
    return time.perf_counter() - started


def search_latency(owner) -> Latency:
    """SearchFaces top 10 for real faces, in this process, against an exact top 10 over every vector.

    The queries are the LFW faces of the fill: a real face among real ones has real nearest
    neighbours. (The few faces of the indexed phone photos, among synthetic faces drawn around random
    centres, have 1-2 copies and then strangers whose order is noise: no index reproduces it.)"""
    from indexing.face_index import collection_id_for, local_engine

    engine, collection = local_engine(), collection_id_for(owner)
    faces = _faces_named(owner, LFW_PREFIX, 100) or _real_faces(owner)
    ids, matrix = engine.store.load_vectors(collection)
    engine.search_faces(collection, faces[0].engine_face_id, 0, 10)  # warm
    times, recalls = [], []
    for face in faces:
        started = time.perf_counter()
        found = engine.search_faces(collection, face.engine_face_id, 0, 10)["FaceMatches"]
        times.append(1000 * (time.perf_counter() - started))
        query = engine.store.get_faces(collection, [face.engine_face_id])[0].embedding
        sims = matrix @ query
        exact = [ids[i] for i in np.argsort(-sims)[:11] if ids[i] != face.engine_face_id][:10]
        recalls.append(len({m["Face"]["FaceId"] for m in found} & set(exact)) / len(exact))
    return Latency(percentile(times, 50), percentile(times, 99), float(np.mean(recalls)))


def incremental_grouping(owner) -> float:
    """ms per new face: its search and its grouping, as auto-tagging does them (rolled back after)."""
    from django.db import transaction

    from indexing.models import Face
    from indexing.people.selectors import threshold_for
    from indexing.people.services.autotag import CANDIDATE_FACES, search_threshold
    from indexing.people.services.grouping import group_new_faces
    from indexing.people.services.naming import similar_faces_many

    faces = _real_faces(owner, 20)
    times = []
    with transaction.atomic():
        Face.objects.filter(pk__in=[f.pk for f in faces]).update(cluster=None)
        for face in faces:
            face.cluster_id = None
            started = time.perf_counter()
            matches = similar_faces_many(owner, [face], search_threshold(threshold_for(owner)), CANDIDATE_FACES)
            group_new_faces(owner, [(face, matches[0])])
            times.append(1000 * (time.perf_counter() - started))
        transaction.set_rollback(True)
    return float(np.mean(times))


def full_grouping(owner) -> float:
    from indexing.people.services import cluster_user_faces

    started = time.perf_counter()
    cluster_user_faces(owner)
    return time.perf_counter() - started


def pages_of(owner) -> dict[str, str]:
    """The pages measured: the gallery, an album, a person, a face's matches, the admin photo change list."""
    from django.urls import reverse

    from indexing.models import Album, Face, Person

    face = (_real_faces(owner, 1) or [Face.objects.filter(owner=owner).order_by("pk").first()])[0]
    return {
        "gallery": reverse("gallery"),
        "album": reverse("album", args=[Album.objects.get(owner=owner, title="Synthetic").pk]),
        "person": reverse("person", args=[Person.objects.filter(owner=owner).first().pk]),
        "matches": reverse("face_matches", args=[face.pk]),
        "admin": "/admin/indexing/photo/",
    }


@dataclass
class PageFigure:
    p95: float  # ms, wall clock: 8 clients queue for 2 workers, on a machine as loaded as it is
    cpu: float  # ms of gunicorn worker CPU per request: what the page costs on an idle core

    def __str__(self) -> str:
        return f"{self.p95:.0f}/{self.cpu:.0f}"


def page_latency(stack, owner, requests: int, clients: int = 8, limit_s: float = 120, pages=None):
    """{page: PageFigure} of each page (pages_of(owner) unless given), `requests` each, from `clients`
    threads against gunicorn."""
    cookie, figures = _session_cookie(owner), {}
    for name, path in (pages or pages_of(owner)).items():
        url = f"http://127.0.0.1:{stack.port}{path}"
        _timed(url, cookie, clients, clients, limit_s)  # warm-up: each gunicorn worker compiles its templates
        cpu = stack.web_cpu()
        times = _timed(url, cookie, requests, clients, limit_s)
        figures[name] = PageFigure(percentile(times, 95), 1000 * (stack.web_cpu() - cpu) / max(1, len(times)))
    return figures


def _timed(url: str, cookie: str, requests: int, clients: int, limit_s: float) -> list[float]:
    times, errors, lock, deadline = [], [], threading.Lock(), time.time() + limit_s

    def client(count: int) -> None:
        for _ in range(count):
            if time.time() > deadline:
                return
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie}), timeout=60) as r:
                    r.read()
                    problem = "" if r.status == 200 and r.url == url else f"{r.status} at {r.url}"
            except OSError as e:
                problem = str(e)
            with lock:
                times.append(1000 * (time.perf_counter() - started)) if not problem else errors.append(problem)

    shares = [requests // clients + (i < requests % clients) for i in range(clients)]  # `requests` in all
    threads = [threading.Thread(target=client, args=(share,)) for share in shares if share]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests to {url}: {errors[0]}")
    if not times:
        raise RuntimeError(f"no request to {url} was measured (--requests 0, or the time limit passed first)")
    return times


def _session_cookie(owner) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(owner.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = owner.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
