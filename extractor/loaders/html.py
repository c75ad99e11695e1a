"""Read an HTML page into a :class:`~extractor.document.Document`.

Block elements (p, div, h1–h6, li, …) and ``<br>``-separated lines become
paragraphs; a data table becomes a :class:`Table` with rowspan/colspan
expanded.  A table whose cells hold tables is page layout: it is walked into
like a div and only the inner tables are emitted.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from extractor.document import Block, Document, Paragraph, Table
from extractor.errors import ExtractError
from extractor.loaders.grid import (
    FlowCell,
    clean_cell_text,
    flow_to_spans,
    is_empty_grid,
    normalize_paragraph_text,
    render_grid,
)
from extractor.settings import Limits

BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "ul",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
    }
)
SKIP_TAGS = frozenset(
    {
        "head",
        "script",
        "style",
        "noscript",
        "template",
        "title",
        "meta",
        "link",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "select",
    }
)
ROW_GROUPS = frozenset(("thead", "tbody", "tfoot"))
CELL_TAGS = frozenset(("td", "th"))
MAX_SPAN = 1000
TITLE_SCAN_BLOCKS = 5

_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Chinese pages often declare a narrower charset than they use; gb18030 is a superset.
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030"}
# Declarations browsers do not trust (a byte stream cannot be UTF-16 if its meta tag
# was readable as ASCII) or that Chinese sites get wrong: tried after utf-8 and gb18030.
_DOUBTFUL = {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "iso8859-1", "cp1252", "ascii"}


def load_html(data: bytes, limits: Limits) -> Document:
    """Read HTML bytes; raise ExtractError E030 when no text can be recovered."""
    text, encoding = _decode(data)
    root = _parse(text)
    body = root.find("body")
    walker = _Walker()
    walker.walk(body if body is not None else root)
    walker.flush()
    if not walker.blocks:
        raise ExtractError("E030", detail="no text found")
    return Document(blocks=tuple(_with_title(root, walker.blocks)), kind="html", encoding=encoding)


def _with_title(root: etree._Element, blocks: list[Block]) -> list[Block]:
    """Put the page's <title> first unless the body already opens with it.

    Web pages often carry the report title (with the agency's name) only in
    <title>; the rest of <head> is ignored.
    """
    title_el = root.find("head/title")
    title = normalize_paragraph_text(title_el.text_content()) if title_el is not None else ""
    if not title:
        return blocks
    opening = [b.text for b in blocks[:TITLE_SCAN_BLOCKS] if isinstance(b, Paragraph) and len(b.text) >= 4]
    if any(title in text or text in title for text in opening):
        return blocks
    return [Paragraph(title), *blocks]


# --- bytes to tree -------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    """Decode by BOM, else by a declared charset, else utf-8, else gb18030."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _try_decode(data, [encoding])
    declared = _declared_charset(data)
    if declared is None:
        return _try_decode(data, ["utf-8", "gb18030"])
    if declared in _DOUBTFUL:
        return _try_decode(data, ["utf-8", "gb18030", declared])
    return _try_decode(data, [declared, "utf-8", "gb18030"])


def _declared_charset(data: bytes) -> str | None:
    match = _DECLARED_CHARSET.search(data[:4096])
    if not match:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _WIDER.get(name, name)


def _try_decode(data: bytes, encodings: list[str]) -> tuple[str, str]:
    for encoding in dict.fromkeys(encodings):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ExtractError("E030", detail=f"cannot decode the bytes (tried {', '.join(dict.fromkeys(encodings))})")


def _parse(text: str) -> etree._Element:
    text = _CONTROL_CHARS.sub("", text)  # lxml refuses strings with NUL and other C0 controls
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=False)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ExtractError("E030", detail=str(exc) or type(exc).__name__) from exc
    if root is None:
        raise ExtractError("E030", detail="nothing could be parsed")
    return root


# --- tree to blocks ------------------------------------------------------------


def _tag(el: etree._Element) -> str | None:
    return el.tag.lower() if isinstance(el.tag, str) else None


def _hidden(el: etree._Element) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return el.get("hidden") is not None or "display:none" in style


@dataclass
class _Walker:
    """Walks the tree once, collecting inline text and flushing it at block boundaries."""

    blocks: list[Block] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)

    def flush(self) -> None:
        text = normalize_paragraph_text("".join(self.buffer))
        self.buffer.clear()
        if text:
            self.blocks.append(Paragraph(text))

    def walk(self, el: etree._Element) -> None:
        tag = _tag(el)
        if tag is None or tag in SKIP_TAGS or _hidden(el):
            return
        if tag == "br":
            self.flush()
            return
        if tag == "table":
            self.flush()
            self._table(el)
            return
        block = tag in BLOCK_TAGS
        if block:
            self.flush()
        self.buffer.append(el.text or "")
        for child in el:
            self.walk(child)
            self.buffer.append(child.tail or "")
        if block:
            self.flush()

    def _table(self, table: etree._Element) -> None:
        rows = list(_table_rows(table))
        cells = [cell for row in rows for cell in _row_cells(row)]
        if any(_contains_table(cell) for cell in cells):
            for cell in cells:  # layout table: read its cells like divs
                self.walk(cell)
                self.flush()
            return
        grid = render_grid(flow_to_spans([[_flow_cell(c) for c in _row_cells(r)] for r in rows]))
        if not is_empty_grid(grid):
            self.blocks.append(Table(rows=grid))


def _table_rows(table: etree._Element) -> Iterator[etree._Element]:
    """The table's own rows (not those of nested tables), thead/tbody/tfoot looked through."""
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            yield child
        elif tag in ROW_GROUPS:
            yield from (tr for tr in child if _tag(tr) == "tr")


def _row_cells(tr: etree._Element) -> list[etree._Element]:
    return [c for c in tr if _tag(c) in CELL_TAGS and not _hidden(c)]


def _contains_table(cell: etree._Element) -> bool:
    return any(True for _ in cell.iter("table"))


def _span_attr(cell: etree._Element, name: str) -> int:
    digits = re.match(r"\s*(\d+)", cell.get(name) or "")
    return min(int(digits.group(1)), MAX_SPAN) if digits else 1


def _flow_cell(cell: etree._Element) -> FlowCell:
    return FlowCell(_cell_text(cell), rowspan=_span_attr(cell, "rowspan"), colspan=max(_span_attr(cell, "colspan"), 1))


def _cell_text(cell: etree._Element) -> str:
    """Cell text with <br> and block boundaries as line breaks (which the cell rule then joins)."""
    parts: list[str] = []
    _collect_cell_text(cell, parts)
    return clean_cell_text("".join(parts))


def _collect_cell_text(el: etree._Element, parts: list[str]) -> None:
    parts.append(el.text or "")
    for child in el:
        tag = _tag(child)
        if tag == "br":
            parts.append("\n")
        elif tag is not None and tag not in SKIP_TAGS and not _hidden(child):
            block = tag in BLOCK_TAGS
            if block:
                parts.append("\n")
            _collect_cell_text(child, parts)
            if block:
                parts.append("\n")
        parts.append(child.tail or "")
