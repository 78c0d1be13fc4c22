"""Every corpus feed and page, rendered as the channel would get it, against its golden file.

The golden files (tests/corpus/expected/) were written by reading each source file and deciding
what a careful editor wants the post to say (issue 17). One test per golden item lists every
wrong field with what was expected and what the post has; the lint tests keep the golden files
themselves honest.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.corpus.golden import (
    CORPUS,
    EXPECTED,
    GoldenFormatError,
    check_item,
    golden_paths,
    load_golden,
    read_source,
    source_of,
)
from tests.ingest.test_feed_corpus import BROKEN

with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as _f:
    MANIFEST = {row["file"]: row for row in csv.DictReader(_f, delimiter="\t")}
SITE_SAMPLE = "site_sample_article-page.txt"


def _cases() -> list[object]:
    """One case per golden item; a golden file that cannot be read is one failing case."""
    cases: list[object] = []
    for path in golden_paths():
        name = path.relative_to(EXPECTED).with_suffix("").as_posix()
        try:
            count = len(load_golden(path).items)
        except GoldenFormatError:
            cases.append(pytest.param(path, 0, id=f"{name}#unreadable"))
            continue
        cases.extend(pytest.param(path, index, id=f"{name}#{index + 1}") for index in range(count))
    return cases


@pytest.mark.parametrize(("path", "index"), _cases())
def test_corpus_item_renders_as_its_golden(path: Path, index: int) -> None:
    golden = load_golden(path)
    result = check_item(golden.name, golden.items[index], read_source(golden.source).drafts)
    assert result.ok, result.message()


def _items_in_source(name: str) -> int:
    """How many items the source holds, counted without our reader (it is what is tested)."""
    if name.startswith("pages/") or name == SITE_SAMPLE:
        return 1
    if name.endswith(".json"):
        return len(json.loads((CORPUS / name).read_bytes())["items"])
    return int(MANIFEST[name]["entries"])


@pytest.mark.parametrize("path", golden_paths(), ids=lambda p: p.relative_to(EXPECTED).as_posix())
def test_golden_file_is_well_formed(path: Path) -> None:
    golden = load_golden(path)  # raises naming the file and key
    wanted = min(3, _items_in_source(golden.name))
    if golden.name.startswith("pages/") or golden.name == SITE_SAMPLE:
        assert len(golden.items) == 1, f"{golden.name}: a page has exactly one item"
    else:
        assert len(golden.items) >= wanted, f"{golden.name}: at least {wanted} items wanted"


def test_every_corpus_file_has_a_golden_file() -> None:
    corpus = {
        path.relative_to(CORPUS).as_posix()
        for folder in ("feeds", "pages")
        for path in (CORPUS / folder).iterdir()
    }
    wanted = (corpus - set(BROKEN)) | {SITE_SAMPLE}
    have = {source_of(path).relative_to(CORPUS).as_posix() for path in golden_paths()}
    assert sorted(wanted - have) == []


def test_the_comparison_names_each_wrong_field() -> None:
    """The harness itself can fail: a golden with wrong values is reported field by field."""
    golden = load_golden(EXPECTED / f"{SITE_SAMPLE}.toml")
    drafts = read_source(golden.source).drafts
    right = golden.items[0]
    assert check_item(golden.name, right, drafts).ok
    wrong = replace(
        right,
        lead_start="Kim Jong-un met",
        photo="https://example.com/a.jpg",
        time="2026-10-02",
        hashtag="#News",
    )
    result = check_item(golden.name, wrong, drafts)
    assert [m.field for m in result.mismatches] == ["lead", "photo", "time", "hashtag"]
    assert result.fields_right == result.fields_total - 4
    missing = check_item(golden.name, replace(right, title="No such title"), drafts)
    assert not missing.found
    assert right.title in missing.message()
