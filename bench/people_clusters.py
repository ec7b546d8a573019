"""Purity and completeness of the grouping of unnamed faces (indexing/people/services/clusters.py).

Indexes a labelled photo set into a local engine in memory and groups every labelled face twice:
"full" with the app's own cluster_labels (DBSCAN on 1 - similarity/100 over the engine's
neighbour_graph: the cluster_faces command), and "incremental" with grouping.assign, face by
face in indexing order, each from its neighbours among the faces before it (what indexing does).
Prints, for each:
  purity        share of grouped faces that belong to their group's majority identity
  completeness  share of the faces of each identity (with >= min size faces) in its own group (the
                largest group where it is the majority; a face in another identity's group counts as lost)
  noise         faces in no group; identities split over several groups; groups per identity

  .venv/bin/python bench/people_clusters.py                      # ../shared/faces
  .venv/bin/python bench/people_clusters.py --lfw --similarity 80 --min-size 2
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "faceapp.settings")


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def labelled_photos(lfw: bool) -> tuple[Path, list[tuple[str, list[str]]]]:
    data = ROOT.parent / "shared" / ("faces-lfw" if lfw else "faces")
    with open(data / "manifest.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    if lfw:
        return data, [(r["file"], [r["identity"]]) for r in rows]
    return data, [(r["file"], r["people"].split(";")) for r in rows]


def index(engine, data: Path, photos) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Face ids of the labelled faces (largest N of each photo, left to right), their identity and photo."""
    ids, identity, photo_of = [], {}, {}
    for file, people in photos:
        records = engine.index_faces("c", (data / file).read_bytes())["FaceRecords"][: len(people)]
        records.sort(key=lambda r: r["Face"]["BoundingBox"]["Left"])
        for record, who in zip(records, people):
            face_id = record["Face"]["FaceId"]
            ids.append(face_id)
            identity[face_id], photo_of[face_id] = who, file
    return ids, identity, photo_of


def measure(ids, identity, labels, min_size: int) -> dict:
    groups: dict[int, list[str]] = {}
    for face_id, label in zip(ids, labels):
        if label != -1:
            groups.setdefault(int(label), []).append(identity[face_id])
    grouped = sum(len(m) for m in groups.values())
    majority = sum(Counter(m).most_common(1)[0][1] for m in groups.values())
    sizes = Counter(identity[f] for f in ids)
    eligible = {who for who, n in sizes.items() if n >= min_size}
    best_group = Counter()  # faces of an identity in the largest group where it is the majority
    spread: dict[str, set[int]] = {}
    for label, members in groups.items():
        counts = Counter(members)
        leader = counts.most_common(1)[0][0]
        best_group[leader] = max(best_group[leader], counts[leader])
        for who in counts:
            spread.setdefault(who, set()).add(label)
    return {
        "faces": len(ids),
        "identities": len(sizes),
        "eligible": len(eligible),
        "groups": len(groups),
        "grouped": grouped,
        "purity": majority / grouped if grouped else 1.0,
        "completeness": sum(best_group[w] for w in eligible) / max(1, sum(sizes[w] for w in eligible)),
        "noise": len(ids) - grouped,
        "split": sum(1 for w in eligible if len(spread.get(w, ())) > 1),
        "missed": sum(1 for w in eligible if w not in spread),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lfw", action="store_true", help="../shared/faces-lfw instead of ../shared/faces")
    parser.add_argument("--similarity", type=float, nargs="+", default=[75.0, 80.0, 81.5, 85.0])
    parser.add_argument("--min-size", type=int, nargs="+", default=[2])
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings

    from indexing.engine.local import LocalEngine
    from indexing.engine.store import MemoryStore
    from indexing.people.services.clusters import cluster_labels

    data, photos = labelled_photos(args.lfw)
    engine = LocalEngine(MemoryStore())
    engine.create_collection("c")
    ids, identity, photo_of = index(engine, data, photos)
    say(f"{data.name}: {len(photos)} photos, {len(ids)} labelled faces")
    if not ids:
        sys.exit("no labelled face was indexed: nothing to group")
    say("grouping     similarity  min size  groups  purity  completeness  noise  identities split  without a group")
    for similarity in args.similarity:
        graph = engine.neighbour_graph("c", ids, similarity, settings.PEOPLE_CLUSTER_NEIGHBOURS)
        sims = graph.as_dict()
        for min_size in args.min_size:
            full = cluster_labels(graph, [photo_of[f] for f in graph.ids], similarity, min_size)
            for name, labels in (("full", full), ("incremental", incremental(ids, photo_of, sims, min_size))):
                m = measure(ids, identity, labels, min_size)
                say(
                    f"{name:11s}  {similarity:10g}  {min_size:8d}  {m['groups']:6d}  {m['purity']:.4f}"
                    f"  {m['completeness']:12.4f}  {m['noise']:5d}  {m['split']:16d}"
                    f"  {m['missed']:6d} of {m['eligible']}"
                )


def incremental(ids, photo_of, sims, min_size: int) -> list[int]:
    """Labels from grouping.assign, face by face in indexing order (neighbours: the faces before it)."""
    from indexing.people.services.grouping import NEW, Groups, assign

    groups, order, next_id = Groups(), {f: i for i, f in enumerate(ids)}, 0
    for face in ids:
        before = [(g, photo_of[g], s) for g, s in sims.get(face, {}).items() if order[g] < order[face]]
        target, along = assign(photo_of[face], [n for n in before if n[1] != photo_of[face]], groups, min_size)
        if target is None:
            continue
        if target == NEW:
            target, next_id = next_id, next_id + 1
        for f in [face, *along]:
            groups.cluster_of[f] = target
            groups.photos_in.setdefault(target, set()).add(photo_of[f])
    return [groups.cluster_of.get(f, -1) for f in ids]


if __name__ == "__main__":
    main()
