"""Low-level python-docx helpers for documents in the Decree 30/2020/NĐ-CP form.

python-docx covers paragraphs, runs and tables; the rest (east-Asian font slots, paragraph borders
used as the short rules under headings, borderless tables, repeated header rows, page fields) is
a few WordprocessingML elements, kept here so ``docx.py`` reads as the layout of the report.
"""

from __future__ import annotations

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 13

CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


def set_fonts(rpr, name: str = FONT) -> None:
    """Name ``name`` in all four font slots of a run-properties element, dropping theme fonts.

    Word picks the font by script: Latin text with diacritics may fall in ``hAnsi``, and a
    Vietnamese Word installation maps text to ``eastAsia``; a theme attribute would override them.
    """
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def setup_styles(document, size_pt: int = BODY_PT) -> None:
    """Times New Roman everywhere (document defaults and Normal), Vietnamese language, no spacing."""
    styles = document.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr_default)
    for tag, val in (("w:sz", size_pt * 2), ("w:szCs", size_pt * 2)):
        el = rpr_default.find(qn(tag))
        el.set(qn("w:val"), str(val))
    lang = rpr_default.find(qn("w:lang"))
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")
    ppr_default = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr_default.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(size_pt)
    set_fonts(normal.element.get_or_add_rPr())


def run(paragraph, text: str, *, size: float | None = None, bold: bool = False, italic: bool = False,
        underline: bool = False, caps: bool = False):
    """Add a run with the font set on the run itself, so copying it elsewhere keeps the look."""
    if caps:
        text = text.upper()
    r = paragraph.add_run(text)
    r.font.name = FONT
    set_fonts(r._element.get_or_add_rPr())
    r.font.size = Pt(size or BODY_PT)
    r.bold = bold
    r.italic = italic
    r.underline = underline
    return r


def lines(paragraph, text_lines, **kw) -> None:
    """Several lines in one paragraph, separated by line breaks (one block, one spacing)."""
    for index, line in enumerate(text_lines):
        r = run(paragraph, line, **kw)
        if index < len(text_lines) - 1:
            r.add_break()


def paragraph(container, text: str | None = None, *, align=None, size: float | None = None,
              bold: bool = False, italic: bool = False, first_line: Length | None = None,
              before: float = 0, after: float = 0, line_spacing: float | None = None, keep_next: bool = False):
    p = container.add_paragraph()
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if first_line is not None:
        fmt.first_line_indent = first_line
    if line_spacing is not None:
        fmt.line_spacing = line_spacing
    if keep_next:
        fmt.keep_with_next = True
    if text is not None:
        run(p, text, size=size, bold=bold, italic=italic)
    return p


def short_rule(container, length: Length, available: Length, *, before: float = 0, after: float = 0,
               line: Length = Pt(4)):
    """A centred horizontal line ``length`` long: the rule under the issuer, motto and title.

    Drawn as the bottom border of an empty paragraph ``line`` high (the gap below the text above),
    indented from both sides, so it needs no drawing objects and renders the same in Word and
    LibreOffice. (A top border would be drawn against the descenders of the line above.)
    """
    p = container.add_paragraph()
    side = max(int((available - length) / 2), 0)
    p.paragraph_format.left_indent = Length(side)
    p.paragraph_format.right_indent = Length(side)
    p.paragraph_format.space_before = Pt(before)
    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.line_spacing = line
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    edge = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        edge.set(qn(key), value)
    borders.append(edge)
    # pBdr must come before spacing/ind/jc in pPr (schema order)
    ppr.insert_element_before(borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku",
                              "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
                              "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
                              "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                              "w:suppressOverlap", "w:jc")
    r = p.add_run()
    r.font.size = Pt(1)
    set_fonts(r._element.get_or_add_rPr())
    return p


def no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    existing = tbl_pr.find(qn("w:tblBorders"))
    if existing is not None:
        tbl_pr.remove(existing)
    tbl_pr.append(borders)


def cell_margins(table, left_mm: float = 1.0, right_mm: float = 1.0) -> None:
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for edge, mm in (("left", left_mm), ("right", right_mm), ("top", 0), ("bottom", 0)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(int(Mm(mm).twips)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr.append(margins)


def column_widths(table, widths_mm) -> None:
    """Fixed widths: the grid (read by LibreOffice) and every cell (read by Word)."""
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, mm in zip(table.columns, widths_mm):
        column.width = Mm(mm)
    for row in table.rows:
        for cell, mm in zip(row.cells, widths_mm):
            cell.width = Mm(mm)


def repeat_header(row) -> None:
    """Repeat this row at the top of every page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def cant_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


def shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    el = OxmlElement("w:shd")
    el.set(qn("w:val"), "clear")
    el.set(qn("w:color"), "auto")
    el.set(qn("w:fill"), fill)
    tc_pr.append(el)


def cell_text(cell, text: str, *, align=CENTER, size: float = TABLE_PT, bold: bool = False,
              italic: bool = False, valign=WD_CELL_VERTICAL_ALIGNMENT.CENTER):
    """Put ``text`` in the cell's (first) paragraph."""
    cell.vertical_alignment = valign
    p = cell.paragraphs[0]
    p.alignment = align
    run(p, text, size=size, bold=bold, italic=italic)
    return p


def page_number_header(section, size: float = BODY_PT) -> None:
    """Page numbers centred in the top margin, none on the first page (Decree 30, Annex I)."""
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.alignment = CENTER
    r = run(p, "", size=size)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            if text == " PAGE ":
                el.set(qn("xml:space"), "preserve")
            el.text = text
        r._element.append(el)
