"""How many corpus items render as their golden files say: the before/after figure of issue 17.

Run from the repository root:

    .venv/bin/python -m tests.corpus.golden_report [-v] [NAME_FRAGMENT ...]

One line per golden file, then `items_right=N items_total=M fields_right=N fields_total=M`.
`-v` also prints every wrong field; name fragments limit the report to matching files.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make `tests.corpus` importable from the root
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.corpus.golden import (
    EXPECTED,
    GoldenFormatError,
    check_file,
    golden_paths,
    load_golden,
)


def main(argv: list[str]) -> int:
    """Print the report; exit 1 when a golden file cannot be read."""
    verbose = "-v" in argv
    wanted = [arg for arg in argv if arg != "-v"]
    totals = [0, 0, 0, 0]  # items right, items, fields right, fields
    broken = 0
    out = sys.stdout
    for path in golden_paths():
        name = path.relative_to(EXPECTED).with_suffix("").as_posix()
        if wanted and not any(fragment in name for fragment in wanted):
            continue
        try:
            results = check_file(load_golden(path))
        except GoldenFormatError as exc:
            out.write(f"{name}: UNREADABLE: {exc}\n")
            broken += 1
            continue
        counts = (
            sum(result.ok for result in results),
            len(results),
            sum(result.fields_right for result in results),
            sum(result.fields_total for result in results),
        )
        totals = [total + count for total, count in zip(totals, counts, strict=True)]
        out.write(f"{name:<55} items {counts[0]}/{counts[1]}  fields {counts[2]}/{counts[3]}\n")
        if verbose:
            for result in results:
                if not result.ok:
                    out.write(result.message() + "\n")
    if broken:
        out.write(f"{broken} golden file(s) unreadable\n")
    out.write(
        f"items_right={totals[0]} items_total={totals[1]} "
        f"fields_right={totals[2]} fields_total={totals[3]}\n"
    )
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
