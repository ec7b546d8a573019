"""What decoding a search picture costs: a flat 88-megapixel PNG against a 12-megapixel photo.

Each case runs in a fresh subprocess and prints wall time and the peak memory the decode added
(ru_maxrss after minus before). "search" is what the search view does before the engine sees the
bytes (images.refuse_costly_decode, then load_image); "unguarded" is load_image alone, as before.

  .venv/bin/python bench/search_decode.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHOTO = ROOT.parent / "shared" / "faces" / "joe_biden_2.jpg"
CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from indexing.engine import images
from indexing.engine.errors import EngineError
data = open({path!r}, "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
outcome = "decoded"
try:
    if {guarded}:
        images.refuse_costly_decode(data, 24_000_000)
    images.load_image(data)
except EngineError as e:
    outcome = "refused: " + e.message[:60]
seconds = time.perf_counter() - started
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({{"seconds": seconds, "mb": grown / 1024, "outcome": outcome}}))
"""


def make_inputs(folder: Path) -> dict[str, Path]:
    from PIL import Image

    flat = folder / "flat_88mp.png"
    Image.new("1", (11000, 8000), 1).save(flat, "PNG")
    photo = Image.open(PHOTO).convert("RGB").resize((4000, 3000))
    jpeg, png = folder / "photo_12mp.jpg", folder / "photo_12mp.png"
    photo.save(jpeg, "JPEG", quality=90)
    photo.save(png, "PNG", compress_level=1)
    return {"flat 88 MP PNG": flat, "12 MP JPEG photo": jpeg, "12 MP PNG photo": png}


def run(path: Path, guarded: bool) -> dict:
    code = CHILD.format(root=str(ROOT), path=str(path), guarded=guarded)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        inputs = make_inputs(Path(tmp))
        rows = 0
        for name, path in inputs.items():
            for guarded in (True, False):
                r = run(path, guarded)
                mode = "search   " if guarded else "unguarded"
                size = path.stat().st_size / 1024
                cost = f"{r['seconds'] * 1000:7.1f} ms  {r['mb']:7.1f} MB"
                sys.stdout.write(f"{name:18} {size:8.0f} KB  {mode}  {cost}  {r['outcome']}\n")
                rows += 1
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main())
