"""Reading data downloads: both layouts, captions repaired, zip-bomb limits, no path escapes."""

import json
import zipfile
from datetime import UTC, datetime

import pytest

from indexing.instagram.export_reader import ExportRefused, Limits, fix_text, open_export, safe_name

from .exports import build_export, mojibake

POSTS = [
    (1704067200, "Café au soleil ☀", ["kit_harington_1.jpg"]),
    (1704153600, "Carousel", ["group_kit_rose.jpg", "rose_leslie_1.jpg"]),
]


@pytest.mark.parametrize("layout", ["new", "old"])
def test_both_layouts_give_every_image_with_its_date_and_repaired_caption(tmp_path, layout):
    path = build_export(
        tmp_path / "export.zip",
        POSTS,
        layout,
        stories=[(1706745600, "rose_leslie_2.jpg")],
        profile=(1700000000, "kit_harington_3.jpg"),
    )
    with open_export([str(path)], Limits()) as export:
        media = {m.uri: m for m in export.media()}
        assert len(media) == 5
        first = next(m for m in media.values() if m.uri.startswith("media/posts/202401/kit_harington_1"))
        assert first.caption == "Café au soleil ☀" and first.kind == "posts"
        assert first.taken_at == datetime(2024, 1, 1, tzinfo=UTC)
        children = [m for m in media.values() if m.caption == "Carousel"]
        assert len(children) == 2  # a carousel's children take the post's caption
        assert {m.kind for m in media.values()} == {"posts", "stories", "profile_photos"}
        assert all(export.read(uri)[:2] == b"\xff\xd8" for uri in media)  # JPEG bytes


def test_parts_of_one_export_are_read_together(tmp_path):
    """Instagram splits big exports: the lists in one ZIP, media in another."""
    whole = build_export(tmp_path / "whole.zip", POSTS)
    with zipfile.ZipFile(whole) as z:
        names = z.namelist()
        with zipfile.ZipFile(tmp_path / "part1.zip", "w") as p1, zipfile.ZipFile(tmp_path / "part2.zip", "w") as p2:
            for name in names:
                (p1 if name.endswith(".json") else p2).writestr(name, z.read(name))
    with open_export([str(tmp_path / "part1.zip"), str(tmp_path / "part2.zip")], Limits()) as export:
        assert [export.read(m.uri) is not None for m in export.media()] == [True, True, True]


def test_mojibake_is_repaired_only_when_it_is_mojibake():
    assert fix_text(mojibake("Ça va? 😀")) == "Ça va? 😀"
    assert fix_text("plain ascii") == "plain ascii"
    assert fix_text("déjà correct ✓") == "déjà correct ✓"  # not Latin-1-encodable: left alone
    assert fix_text(None) == ""


def test_entry_names_that_could_escape_are_never_used(tmp_path):
    evil = [{"media": [{"uri": "../../evil.jpg", "creation_timestamp": 1}], "title": ""}]
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("your_instagram_activity/content/posts_1.json", json.dumps(evil))
        z.writestr("../../evil.jpg", b"\xff\xd8 not really")
        z.writestr("/etc/evil.jpg", b"x")
    with open_export([str(path)], Limits()) as export:
        assert export.media() == [] and export.skipped_names == 2
    assert [safe_name(n) for n in ("a/../b", "C:/x", "a\\b", "media/posts/x.jpg")] == [
        None,
        None,
        None,
        "media/posts/x.jpg",
    ]


def _bomb(path, size=20 * 1024 * 1024):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("media/posts/202401/zeros.jpg", b"\0" * size)
    return path


@pytest.mark.parametrize(
    "limits, words",
    [
        (Limits(max_ratio=100), "zip bomb"),
        (Limits(max_uncompressed=1024 * 1024), "would unpack"),
        (Limits(max_entries=0), "entries"),
    ],
)
def test_zip_bomb_limits_refuse_before_reading(tmp_path, limits, words):
    with pytest.raises(ExportRefused, match=words):
        open_export([str(_bomb(tmp_path / "bomb.zip"))], limits)


def test_not_a_zip_and_html_exports_are_refused_with_a_reason(tmp_path):
    (tmp_path / "x.zip").write_bytes(b"not a zip")
    with pytest.raises(ExportRefused, match="not a readable ZIP"):
        open_export([str(tmp_path / "x.zip")], Limits())
    html = tmp_path / "html.zip"
    with zipfile.ZipFile(html, "w") as z:
        z.writestr("content/posts_1.json", "<html>an HTML export</html>")
    with open_export([str(html)], Limits()) as export, pytest.raises(ExportRefused, match="JSON format"):
        export.media()
