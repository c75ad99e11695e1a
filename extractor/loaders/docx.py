"""Read a DOCX file into a :class:`~extractor.document.Document`.

The zip is checked before anything is decompressed (zip bombs), then
``word/document.xml`` is parsed with a locked-down lxml parser and the body is
walked in order: ``w:p`` → :class:`Paragraph`, ``w:tbl`` → :class:`Table`.
Tables are built from the XML directly: ``w:gridBefore``/``w:gridSpan`` give
each cell's grid columns and ``w:vMerge`` restart/continue gives its rows, so
merged cells come out expanded on an aligned grid.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator

from lxml import etree

from extractor.document import Block, Document, Paragraph, Table
from extractor.errors import ExtractError
from extractor.loaders.grid import Span, clean_cell_text, is_empty_grid, render_grid, strip_text
from extractor.settings import Limits

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
DOCUMENT_PART = "word/document.xml"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# The ratio check only matters for members big enough to hurt; a tiny part
# that compresses 500:1 is harmless.
RATIO_CHECK_MIN_BYTES = 1024 * 1024
# Bytes inflated per read of a member: what reading a member holds beyond its own bytes.
INFLATE_CHUNK = 64 * 1024

# Tables nested deeper than this are flattened to plain text (and recursion stays bounded).
MAX_NESTING = 16


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, R, T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("r"), _w("t")
SDT, SDT_CONTENT, CUSTOM_XML = _w("sdt"), _w("sdtContent"), _w("customXml")
TXBX_CONTENT = _w("txbxContent")
# Wrappers whose children are laid out as if they were in the parent.
TRANSPARENT = {SDT, SDT_CONTENT, CUSTOM_XML, _w("ins"), _w("smartTag"), _w("hyperlink"), _w("fldSimple")}
# Subtrees whose text is not shown (deleted/moved-away text, duplicate fallbacks, properties).
SKIPPED = {
    _w("del"),
    _w("moveFrom"),
    _w("rPr"),
    _w("pPr"),
    _w("sdtPr"),
    _w("sdtEndPr"),
    _w("tblPr"),
    _w("trPr"),
    _w("tcPr"),
    f"{{{MC}}}Fallback",
}


def load_docx(data: bytes, limits: Limits) -> Document:
    """Read DOCX bytes; raise ExtractError E010 (not a DOCX) or E011 (zip bomb)."""
    xml = _read_document_xml(data, limits)
    body = _parse_body(xml)
    blocks = tuple(_walk_container(body, depth=0))
    return Document(blocks=blocks, kind="docx")


# --- the zip -----------------------------------------------------------------


def _read_document_xml(data: bytes, limits: Limits) -> bytes:
    if data.startswith(OLE2_MAGIC):
        raise ExtractError("E010", detail="an OLE2 file (legacy .doc or a password-protected DOCX)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            _check_zip_limits(infos, limits)
            if DOCUMENT_PART not in zf.namelist():
                raise ExtractError("E010", detail=f"the zip has no {DOCUMENT_PART}")
            return read_member(zf, zf.getinfo(DOCUMENT_PART), limits.max_docx_uncompressed_bytes)
    except zipfile.BadZipFile as exc:
        raise ExtractError("E010", detail=f"not a readable zip archive ({exc})") from exc
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, zlib.error, RuntimeError) as exc:
        # zlib.error: corrupt deflate data; RuntimeError: an encrypted member;
        # NotImplementedError: an unsupported compression method
        raise ExtractError("E010", detail=f"cannot unpack the zip archive ({exc})") from exc


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, most: int) -> bytes:
    """A member's bytes, inflated ``INFLATE_CHUNK`` at a time: never more than ``most`` bytes, whatever it declares.

    ``ZipFile.read`` inflates a member's whole compressed data in one call and
    only then cuts it to the declared size: a member that declares 1 KiB but
    inflates to 1 GiB took over 2 GB before its CRC was found wrong.  Read in
    chunks, zipfile stops at the declared size (then checks the CRC), and the
    count here stops at ``most`` whatever the header says.
    """
    parts: list[bytes] = []
    total = 0
    with zf.open(info) as member:
        while chunk := member.read(INFLATE_CHUNK):
            total += len(chunk)
            if total > most:
                raise ExtractError("E011", detail=f"{info.filename} inflates past the limit of {most} bytes")
            parts.append(chunk)
    return b"".join(parts)


def _check_zip_limits(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Reject archives that would expand too much, using the sizes the zip declares.

    zipfile never returns more than a member's declared ``file_size``, and
    :func:`read_member` inflates in bounded chunks, so the declared sizes bound
    what reading can produce (a header that lies ends in a CRC error).
    """
    if len(infos) > limits.max_docx_members:
        raise ExtractError("E011", detail=f"{len(infos)} members (limit {limits.max_docx_members})")
    total = sum(info.file_size for info in infos)
    if total > limits.max_docx_uncompressed_bytes:
        raise ExtractError("E011", detail=f"{total} bytes uncompressed (limit {limits.max_docx_uncompressed_bytes})")
    for info in infos:
        if info.file_size < RATIO_CHECK_MIN_BYTES:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_docx_compression_ratio:
            raise ExtractError(
                "E011",
                detail=f"{info.filename} compresses {ratio:.0f}:1 (limit {limits.max_docx_compression_ratio}:1)",
            )


def _parse_body(xml: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, huge_tree=False, no_network=True, load_dtd=False, remove_comments=True
    )
    try:
        root = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ExtractError("E010", detail=f"{DOCUMENT_PART} is not well-formed XML ({exc})") from exc
    if root.getroottree().docinfo.doctype:
        raise ExtractError("E010", detail=f"{DOCUMENT_PART} declares a DTD")
    body = root.find(_w("body"))
    if root.tag != _w("document") or body is None:
        raise ExtractError("E010", detail=f"{DOCUMENT_PART} has no w:document/w:body")
    return body


# --- body walk ---------------------------------------------------------------


def _walk_container(container: etree._Element, depth: int) -> Iterator[Block]:
    """Yield the blocks of a body, text box or table cell in document order."""
    for child in container:
        if child.tag == P:
            yield from _paragraph_blocks(child, depth)
        elif child.tag == TBL:
            yield from _table_blocks(child, depth)
        elif child.tag in TRANSPARENT:
            yield from _walk_container(child, depth)


def _paragraph_blocks(p: etree._Element, depth: int) -> Iterator[Block]:
    """A paragraph's visual lines (split at w:br/w:cr), then any text boxes anchored in it."""
    lines: list[list[str]] = [[]]
    boxes: list[etree._Element] = []
    _collect_runs(p, lines, boxes)
    for parts in lines:
        text = strip_text("".join(parts))
        if text:
            yield Paragraph(text)
    for box in boxes:
        if depth < MAX_NESTING:
            yield from _walk_container(box, depth + 1)


def _collect_runs(el: etree._Element, lines: list[list[str]], boxes: list[etree._Element]) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIPPED:
            continue
        if tag == TXBX_CONTENT:
            boxes.append(child)
        elif tag == T:
            lines[-1].append(child.text or "")
        elif tag == _w("tab") or tag == _w("ptab"):
            lines[-1].append("\t")
        elif tag in (_w("br"), _w("cr")):
            lines.append([])
        elif tag == _w("noBreakHyphen"):
            lines[-1].append("-")
        elif tag == R and _is_hidden(child):
            continue
        else:
            _collect_runs(child, lines, boxes)


def _is_hidden(run: etree._Element) -> bool:
    vanish = run.find(f"{_w('rPr')}/{_w('vanish')}")
    return vanish is not None and vanish.get(_w("val"), "true") not in ("0", "false", "off")


# --- tables ------------------------------------------------------------------


def _table_blocks(tbl: etree._Element, depth: int) -> Iterator[Block]:
    spans = _table_spans(tbl, depth)
    if not spans:
        return
    n_cols = max(_grid_width(tbl), max(s.col + s.colspan for s in spans))
    n_rows = max(s.row + s.rowspan for s in spans)
    rows = render_grid(spans, n_rows, n_cols)
    if not is_empty_grid(rows):
        yield Table(rows=rows)


def _grid_width(tbl: etree._Element) -> int:
    grid = tbl.find(_w("tblGrid"))
    return 0 if grid is None else len(grid.findall(_w("gridCol")))


def _table_spans(tbl: etree._Element, depth: int) -> list[Span]:
    """One Span per cell; vMerge continuations extend the span above instead."""
    spans: list[Span] = []
    open_vertical: dict[int, Span] = {}  # grid column -> span a vMerge may continue
    for r, tr in enumerate(_children(tbl, TR)):
        col = _int_prop(tr, f"{_w('trPr')}/{_w('gridBefore')}", 0)
        row_spans: dict[int, Span] = {}
        left: Span | None = None  # the cell to the left in this row, for legacy hMerge
        for tc in _children(tr, TC):
            colspan = max(_int_prop(tc, f"{_w('tcPr')}/{_w('gridSpan')}", 1), 1)
            above = open_vertical.get(col)
            if _vmerge(tc) == "continue" and above is not None and above.colspan == colspan:
                above.rowspan = r - above.row + 1
                span = above
            elif _hmerge(tc) == "continue" and left is not None and left.row == r:
                left.colspan += colspan
                span = left
            else:
                span = Span(r, col, _cell_text(tc, depth), 1, colspan)
                spans.append(span)
            row_spans[col] = span
            left = span
            col += colspan
        open_vertical = row_spans
    return spans


def _children(el: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with ``tag``, looking through content-control and customXml wrappers."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in (SDT, SDT_CONTENT, CUSTOM_XML):
            yield from _children(child, tag)


def _int_prop(el: etree._Element, path: str, default: int) -> int:
    node = el.find(path)
    if node is None:
        return default
    try:
        return int(node.get(_w("val"), default))
    except ValueError:
        return default


def _vmerge(tc: etree._Element) -> str | None:
    node = tc.find(f"{_w('tcPr')}/{_w('vMerge')}")
    return None if node is None else node.get(_w("val"), "continue")


def _hmerge(tc: etree._Element) -> str | None:
    node = tc.find(f"{_w('tcPr')}/{_w('hMerge')}")
    return None if node is None else node.get(_w("val"), "continue")


def _cell_text(tc: etree._Element, depth: int) -> str:
    """A cell's text; nested tables and text boxes are flattened into it."""
    return clean_cell_text("\n".join(_container_lines(tc, depth)))


def _container_lines(container: etree._Element, depth: int) -> Iterator[str]:
    """Text lines of a cell's content in order, one line per nested-table cell."""
    for child in container:
        if child.tag == P:
            lines: list[list[str]] = [[]]
            boxes: list[etree._Element] = []
            _collect_runs(child, lines, boxes)
            yield from ("".join(parts) for parts in lines)
            for box in boxes:
                if depth < MAX_NESTING:
                    yield from _container_lines(box, depth + 1)
        elif child.tag == TBL and depth < MAX_NESTING:
            yield from (span.text for span in _table_spans(child, depth + 1))
        elif child.tag in TRANSPARENT:
            yield from _container_lines(child, depth)
