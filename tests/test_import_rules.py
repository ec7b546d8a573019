"""`lint-imports` (in `make lint`) fails when an import points the wrong way or closes a cycle.

Each case copies the code to a temporary folder, adds one import there and runs the real
lint-imports with the repository's contracts; the unchanged copy must pass first.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
COPIED = ("faceapp", "indexing", "search", "tools", "pyproject.toml")


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, root / name)
    return root


def lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120, check=False
    )


def with_import(tree: Path, tmp_path: Path, module: str, line: str) -> Path:
    root = tmp_path / "changed"
    shutil.copytree(tree, root)
    path = root / module
    path.write_text(path.read_text() + f"\n{line}\n")
    return root


def test_the_code_as_it_is_keeps_every_contract(tree):
    result = lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    "module, line, broken",
    [
        ("indexing/photos/services.py", "import search.forms  # noqa", "search (the pages) -> indexing"),
        ("indexing/engine/images.py", "import django.conf  # noqa", "no Django, nothing of the app"),
        ("indexing/engine/paging.py", "from indexing.photos import models  # noqa", "bottom layer"),
        ("indexing/stored_files.py", "from indexing.moderation import services  # noqa", "import each other"),
        ("indexing/moderation/services.py", "from indexing.photos import tasks  # noqa", "not public to other domains"),
        ("indexing/tagging/services.py", "from indexing.photos import models  # noqa", "not public to other domains"),
        ("search/views/reports.py", "from indexing.photos import tasks  # noqa", "not public to other domains"),
        ("search/views/reports.py", "from indexing import face_index  # noqa", "not public to other domains"),
    ],
    ids=[
        "indexing imports search",
        "engine imports django",
        "engine imports the app",
        "a cycle",
        "another's task",
        "another's models but through indexing.models",
        "a page imports a private module",
        "a page imports the engine's adapter",
    ],
)
def test_a_wrong_way_import_or_a_cycle_fails_the_lint(tree, tmp_path, module, line, broken):
    result = lint(with_import(tree, tmp_path, module, line))
    assert result.returncode != 0
    assert broken in " ".join(result.stdout.split()), result.stdout
