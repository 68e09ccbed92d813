"""The default certificate renderer: one A4 landscape page drawn with reportlab.

A renderer is any callable ``(snapshot: CertificateSnapshot, *, verify_url: str) -> bytes``
named by ``COURSEHUB["CERTIFICATE_RENDERER"]``. It must return the same bytes for the same
input: the result is cached under a fingerprint of exactly that input.

Text is set in DejaVu Sans, shipped in ``fonts/`` with its licence, because reportlab's own
fonts have no Cyrillic and no ``ʻ`` (U+02BB): Uzbek and Russian names would print as boxes.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import formats, timezone, translation
from django.utils.translation import gettext, ngettext
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

if TYPE_CHECKING:
    from django_coursehub.certificates.models import Certificate

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR = "CoursehubDejaVuSans"
BOLD = "CoursehubDejaVuSans-Bold"

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 56.0
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
QR_SIZE = 96.0
FOOTER_WIDTH = TEXT_WIDTH - QR_SIZE - 24
INK = colors.HexColor("#1f2937")
MUTED = colors.HexColor("#6b7280")
ACCENT = colors.HexColor("#2563eb")


@dataclass(frozen=True)
class CertificateSnapshot:
    """What a certificate certifies, exactly as it was when issued: a renderer's input."""

    code: str
    holder_name: str
    course_title: str
    instructor_name: str
    lesson_count: int
    total_duration: int
    language: str
    issuer_name: str
    issued_at: datetime

    @classmethod
    def from_certificate(cls, certificate: Certificate) -> CertificateSnapshot:
        return cls(
            code=certificate.code,
            holder_name=certificate.holder_name,
            course_title=certificate.course_title,
            instructor_name=certificate.instructor_name,
            lesson_count=certificate.lesson_count,
            total_duration=certificate.total_duration,
            language=certificate.language,
            issuer_name=certificate.issuer_name,
            issued_at=certificate.issued_at,
        )


@functools.cache
def register_fonts() -> tuple[str, str]:
    """Register the bundled fonts with reportlab, once per process; returns their names."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    return REGULAR, BOLD


def _fitted_lines(
    text: str,
    font: str,
    size: float,
    *,
    min_size: float,
    max_lines: int,
    width: float = TEXT_WIDTH,
) -> tuple[list[str], float]:
    """Shrink ``text`` towards ``min_size`` until it fits one line, then wrap it; what still
    overflows ``max_lines`` is cut with an ellipsis, so nothing ever leaves the page."""
    while size > min_size and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 1
    lines = simpleSplit(text, font, size, width)
    # simpleSplit breaks at spaces only: a long word (a URL) may still be too wide.
    lines = [part for line in lines for part in _split_long_word(line, font, size, width)]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        while lines[-1] and pdfmetrics.stringWidth(lines[-1] + "…", font, size) > width:
            lines[-1] = lines[-1][:-1]
        lines[-1] = lines[-1].rstrip() + "…"
    return lines, size


def _split_long_word(line: str, font: str, size: float, width: float) -> list[str]:
    parts: list[str] = []
    while pdfmetrics.stringWidth(line, font, size) > width:
        cut = len(line) - 1
        while cut > 1 and pdfmetrics.stringWidth(line[:cut], font, size) > width:
            cut -= 1
        parts.append(line[:cut])
        line = line[cut:]
    return [*parts, line]


def _draw_centred(
    canvas: Canvas,
    text: str,
    top: float,
    *,
    font: str,
    size: float,
    min_size: float,
    max_lines: int = 2,
    color: colors.Color = INK,
) -> float:
    """Draw ``text`` centred below ``top``; returns the baseline of its last line."""
    lines, size = _fitted_lines(text, font, size, min_size=min_size, max_lines=max_lines)
    canvas.setFont(font, size)
    canvas.setFillColor(color)
    baseline = top
    for line in lines:
        baseline -= size * 1.2
        canvas.drawCentredString(PAGE_WIDTH / 2, baseline, line)
    return baseline


def _duration(seconds: int) -> str:
    hours, minutes = seconds // 3600, seconds % 3600 // 60
    if hours:
        return gettext("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return gettext("%(minutes)d min") % {"minutes": minutes}


def _draw_qr_code(canvas: Canvas, verify_url: str, x: float, y: float) -> None:
    widget = QrCodeWidget(verify_url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        QR_SIZE,
        QR_SIZE,
        transform=[QR_SIZE / (right - left), 0, 0, QR_SIZE / (top - bottom), 0, 0],
    )
    # Otherwise reportlab declares Helvetica in the page for the drawing's (unused) text state.
    drawing.initialFontName = REGULAR
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)
    canvas.linkURL(verify_url, (x, y, x + QR_SIZE, y + QR_SIZE), relative=0)


def render_certificate_pdf(snapshot: CertificateSnapshot, *, verify_url: str) -> bytes:
    """The default ``CERTIFICATE_RENDERER``: holder, course, date, issuer, code and a QR code
    of ``verify_url``, labelled in the course's language (English when it has no catalogue).

    Deterministic: the same snapshot and URL always give the same bytes.
    """
    regular, bold = register_fonts()
    buffer = io.BytesIO()
    # invariant=1 fixes the creation date and document id that would otherwise differ per run.
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        invariant=1,
        initialFontName=regular,
        initialFontSize=12,
    )
    with translation.override(snapshot.language):
        title = gettext("Certificate of completion")
        canvas.setTitle(f"{title}: {snapshot.holder_name} — {snapshot.course_title}")
        canvas.setAuthor(snapshot.issuer_name)
        canvas.setSubject(snapshot.course_title)
        canvas.setCreator("django-coursehub")

        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(3)
        canvas.rect(24, 24, PAGE_WIDTH - 48, PAGE_HEIGHT - 48)
        canvas.setLineWidth(0.8)
        canvas.rect(32, 32, PAGE_WIDTH - 64, PAGE_HEIGHT - 64)

        line = _draw_centred(
            canvas, title.upper(), PAGE_HEIGHT - 70, font=bold, size=30, min_size=18, color=ACCENT
        )
        line = _draw_centred(
            canvas,
            gettext("This certifies that"),
            line - 28,
            font=regular,
            size=15,
            min_size=11,
            color=MUTED,
        )
        line = _draw_centred(
            canvas, snapshot.holder_name, line - 14, font=bold, size=34, min_size=16
        )
        line = _draw_centred(
            canvas,
            gettext("has completed the course"),
            line - 14,
            font=regular,
            size=15,
            min_size=11,
            color=MUTED,
        )
        line = _draw_centred(
            canvas, snapshot.course_title, line - 10, font=bold, size=26, min_size=14
        )
        details = [gettext("Instructor: %(name)s") % {"name": snapshot.instructor_name}]
        if snapshot.lesson_count:
            details.append(
                ngettext("%(count)d lesson", "%(count)d lessons", snapshot.lesson_count)
                % {"count": snapshot.lesson_count}
            )
        if snapshot.total_duration:
            details.append(_duration(snapshot.total_duration))
        _draw_centred(
            canvas, " · ".join(details), line - 12, font=regular, size=13, min_size=9, color=MUTED
        )

        issued_on = formats.date_format(
            timezone.localtime(snapshot.issued_at).date(), "DATE_FORMAT", use_l10n=True
        )
        footer = [
            (gettext("Date"), issued_on),
            (gettext("Issued by"), snapshot.issuer_name),
            (gettext("Certificate code"), snapshot.code),
            (gettext("Verify at"), verify_url),
        ]
        canvas.setFillColor(INK)
        baseline = MARGIN - 8
        # Bottom up, so a line that had to wrap pushes the ones above it up, not into the QR.
        for label, value in reversed(footer):
            lines, size = _fitted_lines(
                f"{label}: {value}", regular, 10, min_size=7, max_lines=2, width=FOOTER_WIDTH
            )
            canvas.setFont(regular, size)
            for text in reversed(lines):
                canvas.drawString(MARGIN, baseline, text)
                baseline += size * 1.3
            baseline += 3
        _draw_qr_code(canvas, verify_url, PAGE_WIDTH - MARGIN - QR_SIZE, MARGIN - 8)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
