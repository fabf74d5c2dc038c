"""A manifest as the crossing needs it, in Arabic or English: one line per person (registration
number of the household, full name in Arabic and in Latin letters, sex, year of birth), and the
vehicle, day, departure point and crossing. Nothing else of the file leaves the page: no phone,
no address, no document, no need.

``manifest_lines`` is the one source of the lines; the printable page and the Excel file
(openpyxl, right-to-left in Arabic) both read it."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from sabeel.movements.selectors import Manifest
from sabeel.registry.models import Individual


@dataclass(frozen=True)
class Line:
    number: int
    registration_number: str
    name_ar: str
    name_lat: str
    sex: str
    birth_year: str
    flag: str  # "withdrew" on today's manifest when a member withdrew after approval


def _name_ar(m: Individual) -> str:
    return " ".join(p for p in (m.first_name_ar, m.father_name_ar, m.grandfather_name_ar, m.family_name_ar) if p)


def _name_lat(m: Individual) -> str:
    return " ".join(p for p in (m.first_name_lat, m.father_name_lat, m.grandfather_name_lat, m.family_name_lat) if p)


def manifest_lines(manifest: Manifest) -> list[Line]:
    lines = []
    number = 0
    for row in manifest.rows:
        flag = _("Withdrew: does not travel") if row.withdrawn else ""
        for m in row.members:
            number += 1
            lines.append(
                Line(
                    number=number,
                    registration_number=row.placement.household.registration_number,
                    name_ar=_name_ar(m),
                    name_lat=_name_lat(m),
                    sex=str(m.get_sex_display()),
                    birth_year=str(m.date_of_birth.year) if m.date_of_birth else "",
                    flag=flag,
                )
            )
    return lines


def headings() -> list[str]:
    return [_("No."), _("Registration number"), _("Name (Arabic)"), _("Name (Latin)"), _("Sex"), _("Year of birth"), _("Note")]


def title(manifest: Manifest) -> str:
    v = manifest.vehicle
    return _("Manifest: vehicle %(number)s, %(date)s, %(point)s to %(crossing)s") % {
        "number": v.number,
        "date": v.date.strftime("%d/%m/%Y"),
        "point": v.departure_point.local_name,
        "crossing": v.crossing.local_name,
    }


def manifest_xlsx(manifest: Manifest, language: str) -> bytes:
    """The manifest as an Excel workbook in ``language`` (right to left in Arabic)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override(language):
        book = Workbook()
        sheet = book.active
        assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
        sheet.title = _("Manifest")[:31]
        sheet.sheet_view.rightToLeft = language == "ar"
        sheet.append([title(manifest)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([_("Persons travelling"), manifest.persons])
        sheet.append([])
        sheet.append(headings())
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        for line in manifest_lines(manifest):
            sheet.append([line.number, line.registration_number, line.name_ar, line.name_lat, line.sex, line.birth_year, line.flag])
        for column, width in zip("ABCDEFG", (6, 18, 36, 36, 10, 12, 28), strict=True):
            sheet.column_dimensions[column].width = width
        out = io.BytesIO()
        book.save(out)
    return out.getvalue()


# The font the PDF is written in: DejaVu Sans (Debian's fonts-dejavu-core) has Latin and Arabic
# glyphs in one file, so a name in either script needs no fallback font.
PDF_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


class PdfUnavailable(RuntimeError):
    """fpdf2 (with uharfbuzz) or the font is not installed on this machine."""


def manifest_pdf(manifest: Manifest, language: str) -> bytes:
    """The manifest as a PDF in ``language``: fpdf2 lays it out and shapes Arabic through
    HarfBuzz (``set_text_shaping``), so letters join and run right to left."""
    import logging
    from pathlib import Path

    from django.conf import settings

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # its subsetter logs every glyph at INFO
    font = str(getattr(settings, "SABEEL_PDF_FONT", "") or PDF_FONT)
    try:
        from fpdf import FPDF
    except ImportError as exc:
        raise PdfUnavailable("fpdf2 is not installed") from exc
    if not Path(font).exists():
        raise PdfUnavailable("the PDF font is not installed")
    with translation.override(language):
        pdf = FPDF(orientation="landscape", format="A4")
        pdf.set_title(title(manifest))
        pdf.add_font("manifest", fname=font)
        bold = font.replace(".ttf", "-Bold.ttf")
        pdf.add_font("manifest", style="B", fname=bold if Path(bold).exists() else font)
        pdf.set_font("manifest", size=10)
        try:
            pdf.set_text_shaping(use_shaping_engine=True, direction="rtl" if language == "ar" else "ltr")
        except Exception as exc:  # uharfbuzz missing: unshaped Arabic would be unreadable
            raise PdfUnavailable("text shaping (uharfbuzz) is not available") from exc
        pdf.add_page()
        align = "R" if language == "ar" else "L"
        pdf.set_font_size(13)
        pdf.multi_cell(0, 8, title(manifest), align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font_size(10)
        pdf.multi_cell(0, 7, f"{_('Persons travelling')}: {manifest.persons}", align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        widths = (12, 38, 70, 70, 22, 22, 40)
        rows = [headings()] + [
            [str(line.number), line.registration_number, line.name_ar, line.name_lat, line.sex, line.birth_year, line.flag]
            for line in manifest_lines(manifest)
        ]
        if language == "ar":  # the first column on the right
            widths = widths[::-1]
            rows = [row[::-1] for row in rows]
        with pdf.table(col_widths=widths, text_align=align, first_row_as_headings=True) as table:
            for cells in rows:
                row = table.row()
                for cell in cells:
                    row.cell(cell)
        return bytes(pdf.output())
