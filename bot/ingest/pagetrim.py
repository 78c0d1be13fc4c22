"""What reaches the article extractor: a page tree cut down to a size it handles quickly.

trafilatura's cost grows with the number of elements (about 0.1 ms each on links and table
cells), and a hostile page carries hundreds of thousands. Real article pages hold a few
thousand (the 24 corpus pages: 150 to 3,200), so the tree is cut to `MAX_ELEMENTS` in
document order after dropping what is never article text (scripts other than JSON-LD, styles,
templates, SVG drawings, frames). The worker's time limit is the hard bound; this keeps a
merely large page well inside it. libxml2 already stops nesting at 256 levels.
"""

from __future__ import annotations

import logging

from lxml import html

logger = logging.getLogger(__name__)

MAX_PAGE_BYTES = 10_000_000  # twice the fetcher's default cap; bigger is not an article page
MAX_ELEMENTS = 20_000
_NEVER_TEXT = ("style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas")


def trim_tree(tree: html.HtmlElement) -> int:
    """Drop non-text elements, then everything past `MAX_ELEMENTS`; return how many went."""
    dropped = 0
    doomed = [
        element
        for element in tree.iter(*_NEVER_TEXT, "script")
        if element.tag != "script" or "ld+json" not in str(element.get("type") or "").lower()
    ]
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            element.drop_tree()  # keeps the tail text, which belongs to the parent
            dropped += 1
    elements = list(tree.iter())
    if len(elements) > MAX_ELEMENTS:
        for element in reversed(elements[MAX_ELEMENTS:]):
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
                dropped += 1
        logger.info("page cut to %d elements (it had %d)", MAX_ELEMENTS, len(elements))
    return dropped
