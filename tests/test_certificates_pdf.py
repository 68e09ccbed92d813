"""The certificate PDF: real text in any of the site's scripts, deterministic, cached, and
replaceable by a site's own renderer."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

import django_coursehub
from django_coursehub.certificates import rendering, services
from django_coursehub.certificates.models import Certificate
from django_coursehub.certificates.rendering import CertificateSnapshot, render_certificate_pdf
from tests.conftest import ApiClient
from tests.factories import CertificateFactory, CompletedEnrollmentFactory, UserFactory

VERIFY_URL = "https://academy.uz/certificates/{code}"

SNAPSHOT = CertificateSnapshot(
    code="q1W2e3R4t5Y6u7I8o9P0aA",
    holder_name="Gʻayrat Oʻrinboyev",
    course_title="Python asoslari",
    instructor_name="Ўткир Ҳошимов",
    lesson_count=12,
    total_duration=5400,
    language="uz",
    issuer_name="Academy.uz",
    issued_at=datetime(2026, 5, 1, 9, 30, tzinfo=UTC),
)


def page_of(pdf: bytes) -> Any:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0]


def text_of(pdf: bytes) -> str:
    return page_of(pdf).extract_text()


def render(**changes: Any) -> bytes:
    snapshot = dataclasses.replace(SNAPSHOT, **changes)
    return render_certificate_pdf(snapshot, verify_url=VERIFY_URL.format(code=snapshot.code))


# The default renderer ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Gʻayrat Oʻrinboyev", "O‘g‘iloy Toʻxtayeva", "Ўткир Ҳошимов", "Қиёмат Ғуломова"],
    ids=["uz-latin-okina", "uz-latin-quote", "uz-cyrillic-u-h", "uz-cyrillic-q-g"],
)
def test_names_in_uzbek_scripts_are_real_text(name):
    text = text_of(render(holder_name=name, course_title="Ўзбек тили ва адабиёти"))

    assert name in text.splitlines()
    assert "Ўзбек тили ва адабиёти" in text


def test_the_page_says_what_is_certified():
    pdf = render(language="en")
    text = text_of(pdf)

    for expected in (
        "CERTIFICATE OF COMPLETION",
        "This certifies that",
        "Gʻayrat Oʻrinboyev",
        "has completed the course",
        "Python asoslari",
        "Ўткир Ҳошимов",
        "12 lessons",
        "1 h 30 min",
        "Issued by: Academy.uz",
        f"Certificate code: {SNAPSHOT.code}",
        f"Verify at: https://academy.uz/certificates/{SNAPSHOT.code}",
    ):
        assert expected in text


def test_one_a4_landscape_page():
    box = page_of(render()).mediabox

    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("uz", ["KURSNI TAMOMLAGANLIK SERTIFIKATI", "12 ta dars", "1 soat 30 daqiqa", "Sana:"]),
        ("ru", ["СЕРТИФИКАТ ОБ ОКОНЧАНИИ КУРСА", "12 уроков", "1 ч 30 мин", "Дата:"]),
    ],
)
def test_the_labels_are_written_in_the_course_language(language, labels):
    text = text_of(render(language=language))

    for label in labels:
        assert label in text


def test_the_date_is_written_in_the_course_language():
    assert "1 мая 2026" in text_of(render(language="ru"))
    assert "May 1, 2026" in text_of(render(language="en"))


def test_a_language_without_a_catalogue_is_labelled_in_english():
    text = text_of(render(language="kk"))

    assert "CERTIFICATE OF COMPLETION" in text
    assert "Issued by: Academy.uz" in text


@pytest.mark.django_db
def test_the_served_pdf_carries_the_stored_names(certificate_storage):
    learner = UserFactory(first_name="O‘g‘iloy", last_name="Oʻrinboyeva")
    certificate = CertificateFactory(enrollment=CompletedEnrollmentFactory(user=learner))

    response = ApiClient().get(f"/api/certificates/{certificate.code}/pdf/")

    text = text_of(response.content)
    assert "O‘g‘iloy Oʻrinboyeva" in text.splitlines()
    assert certificate.course_title in text
    assert f"http://testserver/api/certificates/{certificate.code}/" in text


def test_only_the_bundled_font_is_used_and_it_is_embedded():
    fonts = page_of(render())["/Resources"]["/Font"]

    names = set()
    for font in fonts.values():
        font = font.get_object()
        assert font["/Subtype"] == "/TrueType", font["/BaseFont"]
        assert "/FontFile2" in font["/FontDescriptor"]
        names.add(font["/BaseFont"].split("+")[-1])
    assert names == {"DejaVuSans", "DejaVuSans-Bold"}


def test_the_same_snapshot_renders_the_same_bytes():
    assert render() == render()
    assert render() != render(holder_name="Boshqa odam")


def test_the_qr_code_and_its_link_point_at_the_verify_url():
    url = VERIFY_URL.format(code=SNAPSHOT.code)

    with mock.patch.object(rendering, "QrCodeWidget", wraps=rendering.QrCodeWidget) as widget:
        pdf = render_certificate_pdf(SNAPSHOT, verify_url=url)

    assert widget.call_args.args == (url,)
    links = [annotation.get_object()["/A"]["/URI"] for annotation in page_of(pdf)["/Annots"]]
    assert links == [url]


def _text_runs(pdf: bytes) -> list[tuple[str, float, float]]:
    """Each piece of text drawn, with the x where it starts and its width."""
    runs: list[tuple[str, float, float]] = []
    regular, bold = rendering.register_fonts()

    def visit(text: str, matrix: Any, text_matrix: Any, font: Any, size: float) -> None:
        if text.strip() and font is not None:
            name = bold if "Bold" in font["/BaseFont"] else regular
            x = text_matrix[4] * matrix[0] + matrix[4]
            runs.append((text, x, pdfmetrics.stringWidth(text, name, size * text_matrix[0])))

    page_of(pdf).extract_text(visitor_text=visit)
    return runs


def test_long_names_and_titles_stay_on_the_page():
    pdf = render(
        holder_name="Қиёмат " * 40,
        course_title="A very long course title " * 12,
        issuer_name="Issuer " * 40,
        instructor_name="Instructor " * 30,
    )
    runs = _text_runs(pdf)

    assert runs
    for text, x, width in runs:
        assert x >= 0 and x + width <= rendering.PAGE_WIDTH, text
    # Wrapped and cut, never lost from the top: the holder's name starts as given.
    assert any(text.startswith("Қиёмат Қиёмат") for text, _x, _width in runs)


# Cached in the storage ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pdf_is_rendered_once_and_then_read_from_the_storage(certificate_storage):
    certificate = CertificateFactory()
    url = f"/api/certificates/{certificate.code}/pdf/"

    with mock.patch.object(
        rendering, "render_certificate_pdf", wraps=render_certificate_pdf
    ) as renderer:
        first = ApiClient().get(url)
        second = ApiClient().get(url)

    assert renderer.call_count == 1
    assert first.content == second.content
    files = certificate_storage.listdir("coursehub/certificates")[1]
    assert len(files) == 1
    assert files[0].startswith(f"{certificate.code}-")
    with certificate_storage.open(f"coursehub/certificates/{files[0]}") as stored:
        assert stored.read() == first.content


@pytest.mark.django_db
def test_a_new_verify_url_renders_a_new_file(certificate_storage, settings):
    certificate = CertificateFactory()
    url = f"/api/certificates/{certificate.code}/pdf/"
    before = ApiClient().get(url).content
    settings.COURSEHUB = {**settings.COURSEHUB, "CERTIFICATE_VERIFY_URL": VERIFY_URL}

    after = ApiClient().get(url).content

    assert before != after
    assert f"https://academy.uz/certificates/{certificate.code}" in text_of(after)
    assert len(certificate_storage.listdir("coursehub/certificates")[1]) == 2


def test_the_file_name_changes_with_everything_that_shapes_the_bytes(settings):
    name = services.pdf_storage_name(SNAPSHOT, verify_url="https://a.uz/1")

    assert name.startswith(f"coursehub/certificates/{SNAPSHOT.code}-")
    assert name == services.pdf_storage_name(SNAPSHOT, verify_url="https://a.uz/1")
    changed = {
        services.pdf_storage_name(SNAPSHOT, verify_url="https://a.uz/2"),
        services.pdf_storage_name(
            dataclasses.replace(SNAPSHOT, holder_name="X"), verify_url="https://a.uz/1"
        ),
    }
    settings.COURSEHUB = {"CERTIFICATE_RENDERER": "tests.test_certificates_pdf.plain_renderer"}
    changed.add(services.pdf_storage_name(SNAPSHOT, verify_url="https://a.uz/1"))
    with mock.patch.object(django_coursehub, "__version__", "99.0"):
        settings.COURSEHUB = {}
        changed.add(services.pdf_storage_name(SNAPSHOT, verify_url="https://a.uz/1"))

    assert len(changed) == 4
    assert name not in changed


# A site's own renderer ---------------------------------------------------------------------

received: list[tuple[CertificateSnapshot, str]] = []


def plain_renderer(snapshot: CertificateSnapshot, *, verify_url: str) -> bytes:
    received.append((snapshot, verify_url))
    return f"%PDF-1.4 {snapshot.holder_name} {verify_url}".encode()


@pytest.mark.django_db
def test_a_site_renderer_from_settings_draws_the_pdf(certificate_storage, settings):
    settings.COURSEHUB = {
        **settings.COURSEHUB,
        "CERTIFICATE_RENDERER": "tests.test_certificates_pdf.plain_renderer",
        "CERTIFICATE_VERIFY_URL": VERIFY_URL,
    }
    received.clear()
    certificate = CertificateFactory(
        enrollment=CompletedEnrollmentFactory(user=UserFactory(first_name="Ra'no"))
    )
    url = VERIFY_URL.format(code=certificate.code)

    response = ApiClient().get(f"/api/certificates/{certificate.code}/pdf/")

    assert response.content == f"%PDF-1.4 Ra'no Karimov {url}".encode()
    assert received == [
        (CertificateSnapshot.from_certificate(Certificate.objects.get(pk=certificate.pk)), url)
    ]


# Shipped with the package ------------------------------------------------------------------


def test_the_fonts_ship_with_their_licence():
    fonts = rendering.FONTS

    assert fonts.is_relative_to(django_coursehub.__path__[0])
    assert {path.name for path in fonts.iterdir()} >= {
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "LICENSE",
    }
    licence = (fonts / "LICENSE").read_text(encoding="utf-8")
    assert "Bitstream Vera Fonts Copyright" in licence
    assert "Arev Fonts Copyright" in licence
