"""Rekognition fidelity of the local engine, measured: detection confidence on Rekognition's scale,
pose error against known rotations, the negative set (no face on photos without people, every
annotated face kept), and similarity precision/recall on people the calibration never saw.

  .venv/bin/python bench/rekognition_fidelity.py [--extra DIR ...]

- Confidence: the distribution over every face of ../shared/faces and ../shared/faces-lfw.
- Pose: Roll against synthetic in-plane rotations (known roll: the photo turned by PIL) of the
  single-face photos of ../shared/faces; Yaw's drift under those rotations and its antisymmetry
  on mirrored photos (a mirrored face has the opposite yaw); the median Yaw and Pitch of LFW's
  largest faces (mostly frontal news photos: both should sit near 0). There is no labelled yaw
  set here, so Yaw and Pitch are checked for consistency, not against ground truth.
- Negatives: the sample images shipped in the scikit-image and scikit-learn wheels that show no
  person (a cat, coffee, a rocket, a horse, ...) plus any --extra folder of such images (for
  example the ImageNet samples of the foolbox wheel, dogs among them, and imgaug's quokka).
- Similarity: faces-lfw's identities sorted by name, even positions calibrate, odd positions
  report. As tools/face_eval.py counts: every face of every photo indexed, the largest face of
  each photo searched, precision over matched faces and recall over photos of the same person.

Exits 1 when it measured nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ROTATIONS = (-30, -15, 15, 30)
CUTS = (0.30, 0.32, 0.34, 0.35, 0.36, 0.38, 0.40)
PEOPLE_IN_SAMPLES = ("astronaut", "camera", "lfw_subset")  # scikit-image samples that show a person


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def percentiles(values, qs=(0, 1, 5, 50, 95, 100)) -> str:
    return " / ".join(f"{v:.2f}" for v in np.percentile(values, qs)) + f"  (percentiles {qs})"


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def lfw_faces(model):
    """Every face of every faces-lfw photo: (file, identity, is largest, DetectedFace)."""
    from indexing.engine.images import load_image

    data = SHARED / "faces-lfw"
    with open(data / "manifest.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    found = []
    for row in rows:
        faces = model.analyze(load_image((data / row["file"]).read_bytes()).image)
        found += [(row["file"], row["identity"], k == 0, face) for k, face in enumerate(faces)]
    return found


def confidence(engine, lfw) -> int:
    shared = [
        f["Confidence"]
        for p in sorted((SHARED / "faces").glob("*.[jp][pn]g"))
        for f in engine.detect_faces(p.read_bytes())["FaceDetails"]
    ]
    lfw_values = [face.confidence for _, _, _, face in lfw]
    say(f"Confidence, {len(shared)} faces of shared/faces: {percentiles(shared)}")
    say(f"Confidence, {len(lfw_values)} faces of faces-lfw: {percentiles(lfw_values)}")
    for floor in (90, 99, 99.5):
        shares = [np.mean(np.array(values) >= floor) for values in (shared, lfw_values)]
        say(f"  >= {floor}: shared {shares[0]:.3f}, lfw {shares[1]:.3f}")
    return len(shared) + len(lfw_values)


def pose(engine, lfw) -> int:
    manifest = read_manifest()
    singles = [SHARED / "faces" / n for n, people in manifest.items() if len(people) == 1]
    roll_errors, yaw_drift, mirror, worst = [], [], [], (0.0, "")
    for path in singles:
        image = Image.open(path).convert("RGB")
        base = engine.detect_faces(png(image))["FaceDetails"]
        if not base:
            continue
        base = base[0]["Pose"]
        for degrees in ROTATIONS:  # PIL turns counter-clockwise: the roll goes down by `degrees`
            turned = image.rotate(degrees, Image.Resampling.BICUBIC, expand=True, fillcolor=(128, 128, 128))
            faces = engine.detect_faces(png(turned))["FaceDetails"]
            if faces:
                roll_errors.append(abs(faces[0]["Pose"]["Roll"] - (base["Roll"] - degrees)))
                worst = max(worst, (roll_errors[-1], f"{path.name} turned {degrees}"))
                yaw_drift.append(abs(faces[0]["Pose"]["Yaw"] - base["Yaw"]))
        flipped = engine.detect_faces(png(image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))["FaceDetails"]
        if flipped:
            mirror.append(abs(flipped[0]["Pose"]["Yaw"] + base["Yaw"]))
    say(f"Pose on {len(singles)} single-face photos turned by {ROTATIONS} degrees ({len(roll_errors)} turned faces):")
    say(f"  Roll error, degrees: {percentiles(roll_errors, (50, 90, 95, 100))}; worst: {worst[1]}")
    say(f"  Yaw drift under the turn, degrees: {percentiles(yaw_drift, (50, 90, 95, 100))}")
    say(f"  |Yaw + Yaw of the mirrored photo|, degrees: {percentiles(mirror, (50, 90, 100))}")
    yaws = [face.pose["Yaw"] for _, _, largest, face in lfw if largest]
    pitches = [face.pose["Pitch"] for _, _, largest, face in lfw if largest]
    say(f"  faces-lfw largest faces: median Yaw {np.median(yaws):.2f}, Pitch {np.median(pitches):.2f} (frontal: ~0)")
    return len(roll_errors)


def read_manifest() -> dict[str, list[str]]:
    with open(SHARED / "faces" / "manifest.csv", newline="") as f:
        return {r["file"]: [p for p in r["people"].split(";") if p] for r in csv.DictReader(f)}


def negative_images(extra: list[Path]) -> list[Path]:
    import importlib.util

    folders = []
    for package, sub in (("skimage", "data"), ("sklearn", "datasets/images")):
        spec = importlib.util.find_spec(package)  # found, not imported
        if spec and spec.submodule_search_locations:
            folders.append(Path(list(spec.submodule_search_locations)[0]) / sub)
    files = [
        p
        for folder in folders + list(extra)
        for p in sorted(folder.glob("*"))
        if p.suffix.lower() in (".png", ".jpg", ".jpeg") and not p.name.startswith(PEOPLE_IN_SAMPLES)
    ]
    return files


def negatives(engine, extra: list[Path]) -> int:
    files = negative_images(extra)
    found = {p.name: len(engine.detect_faces(p.read_bytes())["FaceDetails"]) for p in files}
    say(f"Negatives: {len(files)} images without a person, {sum(found.values())} faces found")
    for name, n in found.items():
        if n:
            say(f"  face found on {name}: {n}")
    kept = missing = 0
    for name, people in read_manifest().items():
        n = len(engine.detect_faces((SHARED / "faces" / name).read_bytes())["FaceDetails"])
        kept += min(n, len(people))
        missing += max(0, len(people) - n)
    say(f"shared/faces: {kept} annotated faces kept, {missing} lost")
    return len(files)


def face_eval(items, cut: float) -> tuple[float, float, int]:
    """(precision, recall, false matches) at cosine >= cut, counted as tools/face_eval.py counts."""
    files = np.array([f for f, _, _, _ in items])
    names = np.array([n for _, n, _, _ in items])
    largest = np.array([k for _, _, k, _ in items])
    vectors = np.stack([face.embedding for _, _, _, face in items])
    photos: dict[str, set] = {}
    for f, n in zip(files, names, strict=True):
        photos.setdefault(n, set()).add(f)
    tp = fp = fn = 0
    for q in np.flatnonzero(largest):
        person = names[q]
        if len(photos[person]) < 2:
            continue
        hit = (files != files[q]) & (vectors @ vectors[q] >= cut)
        fp += int((hit & (names != person)).sum())
        hit_files = set(files[hit & (names == person)])
        tp += len(hit_files)
        fn += len(photos[person] - {files[q]} - hit_files)
    return tp / max(1, tp + fp), tp / max(1, tp + fn), fp


def similarity(model, lfw) -> int:
    from indexing.engine.models.arcface import COSINE_ANCHORS, SIMILARITY_ANCHORS

    people = sorted({n for _, n, _, _ in lfw})
    halves = {"calibration": set(people[0::2]), "unseen": set(people[1::2])}
    parts = {label: [x for x in lfw if x[1] in who] for label, who in halves.items()}
    at80 = float(np.interp(80.0, SIMILARITY_ANCHORS, COSINE_ANCHORS))
    say(f"Similarity: faces-lfw split by identity, {len(people)} people; 80 sits at cosine {at80:.3f}")
    for cut in sorted({*CUTS, at80}):
        figures = {label: face_eval(items, cut) for label, items in parts.items()}
        say(
            f"  cosine >= {cut:.3f}: "
            + "; ".join(
                f"{label} precision {p:.4f} recall {r:.4f} ({fp} false)" for label, (p, r, fp) in figures.items()
            )
        )
    loosest = next((c for c in np.arange(0.25, 0.60, 0.005) if face_eval(parts["calibration"], c)[2] == 0), None)
    say(f"  loosest cosine with no false match on the calibration half: {loosest:.3f}")
    p, r, _ = face_eval(parts["unseen"], at80)
    say(f"  at similarity 80 on the unseen half: precision {p:.4f}, recall {r:.4f} (goal >= 0.99 and >= 0.95)")
    return len(parts["unseen"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--extra", type=Path, action="append", default=[], help="a folder of images without people")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from indexing.engine.local import LocalEngine
    from indexing.engine.store import MemoryStore

    engine = LocalEngine(MemoryStore())
    lfw = lfw_faces(engine.model)
    measured = [confidence(engine, lfw), pose(engine, lfw), negatives(engine, a.extra), similarity(engine.model, lfw)]
    return 0 if all(measured) else 1


if __name__ == "__main__":
    sys.exit(main())
