"""The demo page, driven in headless Chromium against the example project and its real API.

A learner finds a course, registers, enrolls, completes every lesson, reviews the course,
downloads the certificate and reads the notifications; another keeps a wishlist, follows their
courses and edits their profile, whose language the API then speaks; a third deletes their
account, which an instructor who owns courses cannot; the page speaks Uzbek and Russian with the
API's own messages; and it fits a phone's screen. Screenshots of the key steps
are written to ``browser-screenshots/`` (see conftest.py).
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import ACCESS_TOKEN_SECONDS

# Playwright is imported lazily (in the fixtures) so that a machine without it skips the tests.

NAME = "Oʻgʻiloy Gʻaniyeva"  # with U+02BB, as Uzbek Latin writes oʻ and gʻ
PASSWORD = "Toshkent-2026!"
PAGE_TIMEOUT_MS = 15_000


class Traffic:
    """The page's API calls, in order, as (method, path with query, status)."""

    def __init__(self, page: Any) -> None:
        self.calls: list[tuple[str, str, int]] = []
        page.on("response", self._record)

    def _record(self, response: Any) -> None:
        parts = urlsplit(response.url)
        if parts.path.startswith("/api/"):
            path = f"{parts.path}?{parts.query}" if parts.query else parts.path
            self.calls.append((response.request.method, path, response.status))

    def answers(self, method: str, path: str) -> list[int]:
        """The statuses of the calls to ``method path``, leaving out 401s: tokens live only a few
        seconds here, and the page answers an expired one by refreshing it and calling again."""
        return [
            status
            for called, called_path, status in self.calls
            if (called, called_path) == (method, path) and status != 401
        ]


@pytest.fixture
def new_page(browser: Any, screenshots: Path) -> Iterator[Callable[..., Any]]:
    """``new_page(**context_options)``: a page in a fresh context, failing on script errors."""
    from playwright.sync_api import expect

    # Assertions wait as long as actions do: on a busy machine, a page can take longer to
    # render than Playwright's default of 5 s.
    expect.set_options(timeout=PAGE_TIMEOUT_MS)
    contexts: list[Any] = []
    script_errors: list[str] = []

    def make(**options: Any) -> Any:
        context = browser.new_context(
            **{
                "viewport": {"width": 1280, "height": 900},
                "locale": "en-GB",
                # No animations: screenshots show the progress bar where it ends.
                "reduced_motion": "reduce",
                **options,
            }
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.on("pageerror", lambda error: script_errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert script_errors == []


def shoot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=folder / f"{name}.png", full_page=True)


def message(page: Any) -> Any:
    return page.get_by_test_id("message")


def settled(page: Any) -> None:
    """Wait until the page has rendered what it was loading, so a form is not replaced later."""
    from playwright.sync_api import expect

    expect(page.locator("main[aria-busy]")).to_have_count(0)


def search(page: Any, words: str) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("nav-catalogue").click()
    # The unfiltered catalogue, rendered: filling the page that was there before the click would
    # type into a form that the catalogue then replaces, and search for nothing.
    expect(page.get_by_test_id("course-count")).to_have_attribute("data-query", "")
    settled(page)
    page.get_by_test_id("search-input").fill(words)
    page.get_by_test_id("search-button").click()
    # The results of these words, not the list that was there before.
    expect(page.get_by_test_id("course-count")).to_have_attribute("data-query", words)


def log_in(page: Any, username: str, password: str) -> None:
    settled(page)
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()


def fill_registration(page: Any, username: str, password: str, first: str, last: str) -> None:
    page.get_by_test_id("register-username").fill(username)
    page.get_by_test_id("register-email").fill(f"{username}@example.com")
    page.get_by_test_id("register-password").fill(password)
    page.get_by_test_id("register-first_name").fill(first)
    page.get_by_test_id("register-last_name").fill(last)


def open_course(page: Any, words: str, title: str) -> None:
    from playwright.sync_api import expect

    search(page, words)
    page.get_by_test_id("course-link").filter(has_text=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    settled(page)


def is_profile_patch(request: Any) -> bool:
    return request.method == "PATCH" and urlsplit(request.url).path == "/api/auth/profile/"


def test_a_new_learner_goes_from_the_catalogue_to_a_certificate(
    new_page: Callable[..., Any], demo_site: str, screenshots: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect
    from pypdf import PdfReader

    page = new_page(accept_downloads=True)
    traffic = Traffic(page)
    username = f"ogiloy-{uuid.uuid4().hex[:6]}"

    # The catalogue, with the links to the API docs and the admin.
    page.goto(f"{demo_site}/")
    expect(page.get_by_test_id("course-count")).to_have_attribute("data-count", "6")
    expect(page.get_by_test_id("course-card")).to_have_count(6)
    expect(page.get_by_test_id("link-api-docs")).to_have_attribute("href", "/api/docs")
    expect(page.get_by_test_id("link-admin")).to_have_attribute("href", "/admin/")
    shoot(page, screenshots, "01-catalogue")

    # Searching asks the API (?q=) and shows what it found.
    search(page, "figma")
    expect(page.get_by_test_id("course-card")).to_have_count(1)
    expect(page.get_by_test_id("course-link")).to_have_text("Figma bilan UI dizayn")
    assert ("GET", "/api/courses/?page_size=50&q=figma", 200) in traffic.calls
    shoot(page, screenshots, "02-search")

    # The course's outline, as anybody sees it.
    page.get_by_test_id("course-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Figma bilan UI dizayn")
    expect(page.get_by_test_id("outline-section")).to_have_count(2)
    expect(page.get_by_test_id("lesson-link")).to_have_count(5)
    shoot(page, screenshots, "03-course")

    # Registering: the API's validation messages first, then an account and a session.
    page.get_by_test_id("enroll-login").click()
    fill_registration(page, username, "1234", "Oʻgʻiloy", "Gʻaniyeva")
    page.get_by_test_id("register-submit").click()
    expect(message(page)).to_contain_text("This password is too short")
    shoot(page, screenshots, "04-register-error")
    page.get_by_test_id("register-password").fill(PASSWORD)
    page.get_by_test_id("register-submit").click()
    expect(message(page)).to_have_text(f"Your account is ready, {NAME}. You are logged in.")
    expect(page.get_by_test_id("session-user")).to_have_text(username)
    # Back on the course the user came from.
    expect(page.get_by_role("heading", level=1)).to_have_text("Figma bilan UI dizayn")

    # Logging out blacklists the refresh token the page held.
    page.get_by_test_id("nav-account").click()
    expect(page.get_by_test_id("profile-name")).to_have_text(NAME)
    with page.expect_request("**/api/auth/logout/") as logout:
        page.get_by_test_id("logout-button").click()
    expect(message(page)).to_have_text("You are logged out.")
    expect(page.get_by_test_id("session-user")).to_have_text("Log in")
    old_refresh = logout.value.post_data_json["refresh"]
    refused = page.request.post(f"{demo_site}/api/auth/refresh/", data={"refresh": old_refresh})
    assert refused.status == 401

    # A wrong password shows the API's message; the right one logs in.
    log_in(page, username, "not-my-password")
    expect(message(page)).to_have_text("Unable to log in with the provided credentials.")
    log_in(page, username, PASSWORD)
    expect(message(page)).to_have_text(f"Welcome, {NAME}!")

    # Enrolling in the free course.
    search(page, "figma")
    page.get_by_test_id("course-link").click()
    page.get_by_test_id("enroll-button").click()
    expect(message(page)).to_have_text("You are enrolled. Enjoy the course!")
    expect(page.get_by_test_id("progress-bar")).to_have_attribute("aria-valuenow", "0")
    expect(page.get_by_test_id("unread-badge")).to_have_attribute("data-count", "1")
    shoot(page, screenshots, "05-enrolled")

    # Every lesson, completed in turn: the bar follows the API's answers to 100%.
    page.get_by_test_id("continue-link").click()
    for step, percent in enumerate([20, 40, 60, 80, 100], start=1):
        expect(page.get_by_test_id("lesson-body")).to_be_visible()
        expect(page.get_by_test_id("complete-button")).to_have_attribute("data-completed", "false")
        page.get_by_test_id("complete-button").click()
        expect(page.get_by_test_id("progress-bar")).to_have_attribute("aria-valuenow", str(percent))
        expect(page.get_by_test_id("complete-button")).to_have_text("Completed ✓")
        if step == 1:
            shoot(page, screenshots, "06-lesson")
        if percent < 100:
            page.get_by_test_id("next-lesson").click()
    expect(page.get_by_test_id("progress-text")).to_have_text("5 of 5 lessons completed · 100%")
    expect(page.get_by_test_id("course-complete")).to_be_visible()
    shoot(page, screenshots, "07-course-complete")

    # A review of the course, shown in its list at once.
    page.get_by_test_id("back-to-course").click()
    expect(page.locator("[data-testid=lesson-row][data-completed=true]")).to_have_count(5)
    page.get_by_test_id("review-rating").select_option("5")
    comment = "Juda foydali kurs, rahmat! Auto layout boʻlimi ayniqsa yoqdi."
    page.get_by_test_id("review-comment").fill(comment)
    page.get_by_test_id("review-submit").click()
    expect(message(page)).to_have_text("Thank you! Your review is published.")
    expect(page.get_by_test_id("review").filter(has_text=comment)).to_have_count(1)
    expect(page.get_by_test_id("review-submit")).to_have_count(0)
    shoot(page, screenshots, "08-review")

    # The access token expires while the user reads; the next call refreshes it once and retries.
    page.wait_for_timeout((ACCESS_TOKEN_SECONDS + 1.5) * 1000)
    start = len(traffic.calls)
    page.get_by_test_id("nav-certificates").click()
    expect(page.get_by_test_id("certificate")).to_have_count(1)
    calls = traffic.calls[start:]
    assert calls[:3] == [
        ("GET", "/api/certificates/?page_size=50", 401),
        ("POST", "/api/auth/refresh/", 200),
        ("GET", "/api/certificates/?page_size=50", 200),
    ], calls

    # The certificate: holder, PDF (with the name as real text) and public verification.
    expect(page.get_by_test_id("certificate-holder")).to_have_text(f"Awarded to {NAME}")
    shoot(page, screenshots, "09-certificates")
    pdf_link = page.get_by_test_id("certificate-pdf")
    with page.expect_download() as download:
        pdf_link.click()
    saved = tmp_path / "certificate.pdf"
    download.value.save_as(saved)
    pdf = saved.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert NAME in PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
    served = page.request.get(pdf_link.get_attribute("href"))
    assert served.headers["content-type"] == "application/pdf"
    assert served.body() == pdf
    verified = page.request.get(page.get_by_test_id("certificate-verify").get_attribute("href"))
    assert verified.json()["valid"] is True
    assert verified.json()["holder_name"] == NAME

    # Notifications: enrollment confirmed and certificate issued; read one, then all.
    expect(page.get_by_test_id("unread-badge")).to_have_attribute("data-count", "2")
    page.get_by_test_id("nav-notifications").click()
    notifications = page.get_by_test_id("notification")
    expect(notifications).to_have_count(2)
    kinds = {item.get_attribute("data-kind") for item in notifications.all()}
    assert kinds == {"enrollment_confirmed", "certificate_issued"}
    shoot(page, screenshots, "10-notifications")
    page.get_by_test_id("notification-read").first.click()
    expect(page.get_by_test_id("unread-badge")).to_have_attribute("data-count", "1")
    expect(page.locator("[data-testid=notification][data-read=true]")).to_have_count(1)
    page.get_by_test_id("notifications-read-all").click()
    expect(message(page)).to_have_text("Marked as read: 1")
    expect(page.get_by_test_id("unread-badge")).to_be_hidden()
    expect(page.locator("[data-testid=notification][data-read=false]")).to_have_count(0)
    shoot(page, screenshots, "11-notifications-read")

    # The tokens were never stored where other scripts could read them.
    stored = page.evaluate(
        "() => JSON.stringify([{...localStorage}, {...sessionStorage}, document.cookie])"
    )
    assert "eyJ" not in stored
    assert not any(status >= 500 for _, _, status in traffic.calls)


def test_a_learner_keeps_a_wishlist_follows_their_courses_and_edits_their_profile(
    new_page: Callable[..., Any], demo_site: str, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    page = new_page()
    traffic = Traffic(page)
    username = f"bobur-{uuid.uuid4().hex[:6]}"
    flutter = "Flutter: первое мобильное приложение"
    postgresql = "PostgreSQL for Application Developers"

    # Registering stores the page's language in the new profile at once. That request is held
    # back here so the learner can go to their wishlist meanwhile: when registration then
    # finishes, the page stays where they went instead of leading them to the catalogue.
    held: list[Any] = []
    page.route(
        "**/api/auth/profile/",
        lambda route: held.append(route) if is_profile_patch(route.request) else route.continue_(),
    )
    page.goto(f"{demo_site}/#/account")
    settled(page)
    fill_registration(page, username, PASSWORD, "Bobur", "Toʻrayev")
    with page.expect_request(is_profile_patch) as remembered:
        page.get_by_test_id("register-submit").click()
    assert remembered.value.post_data_json == {"preferred_language": "en"}
    expect(page.get_by_test_id("session-user")).to_have_text(username)

    # The wishlist starts empty; the course page saves a course and takes it back.
    page.get_by_test_id("nav-wishlist").click()
    expect(page.get_by_test_id("wishlist-empty")).to_be_visible()
    assert len(held) == 1
    held[0].continue_()
    expect(message(page)).to_have_text("Your account is ready, Bobur Toʻrayev. You are logged in.")
    page.unroute("**/api/auth/profile/")
    assert urlsplit(page.url).fragment == "/wishlist"
    expect(page.get_by_test_id("wishlist-empty")).to_be_visible()
    for words, title in [("flutter", flutter), ("postgresql", postgresql)]:
        open_course(page, words, title)
        toggle = page.get_by_test_id("wishlist-toggle")
        expect(toggle).to_have_attribute("data-saved", "false")
        toggle.click()
        expect(message(page)).to_have_text("The course is saved to your wishlist.")
        expect(toggle).to_have_attribute("data-saved", "true")
        expect(toggle).to_have_text("♥ Remove from wishlist")
    shoot(page, screenshots, "learner-01-course-saved")

    page.get_by_test_id("nav-wishlist").click()
    saved = page.get_by_test_id("wishlist").get_by_test_id("course-link")
    expect(saved).to_have_text([postgresql, flutter])  # the most recently saved first
    shoot(page, screenshots, "learner-02-wishlist")
    saved.filter(has_text=flutter).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(flutter)
    flutter_id = urlsplit(page.url).fragment.removeprefix("/courses/")
    page.get_by_test_id("wishlist-toggle").click()
    expect(message(page)).to_have_text("The course is removed from your wishlist.")
    expect(page.get_by_test_id("wishlist-toggle")).to_have_attribute("data-saved", "false")
    page.get_by_test_id("nav-wishlist").click()
    expect(page.get_by_test_id("wishlist").get_by_test_id("course-link")).to_have_text([postgresql])
    assert ("DELETE", f"/api/wishlist/{flutter_id}/", 204) in traffic.calls

    # My courses: empty, then both free courses, one with a lesson done.
    page.get_by_test_id("nav-my-courses").click()
    expect(page.get_by_test_id("my-courses-empty")).to_be_visible()
    open_course(page, "react", "React asoslari")
    page.get_by_test_id("enroll-button").click()
    expect(message(page)).to_have_text("You are enrolled. Enjoy the course!")
    page.get_by_test_id("continue-link").click()
    page.get_by_test_id("complete-button").click()
    expect(page.get_by_test_id("progress-bar")).to_have_attribute("aria-valuenow", "20")
    open_course(page, "figma", "Figma bilan UI dizayn")
    page.get_by_test_id("enroll-button").click()
    expect(message(page)).to_have_text("You are enrolled. Enjoy the course!")

    page.get_by_test_id("nav-my-courses").click()
    courses = page.get_by_test_id("my-course")
    expect(courses).to_have_count(2)
    react = courses.filter(has_text="React asoslari")
    expect(react.get_by_test_id("progress-bar")).to_have_attribute("aria-valuenow", "20")
    expect(react.get_by_test_id("progress-text")).to_have_text("1 of 5 lessons completed · 20%")
    figma = courses.filter(has_text="Figma bilan UI dizayn")
    expect(figma.get_by_test_id("progress-bar")).to_have_attribute("aria-valuenow", "0")
    shoot(page, screenshots, "learner-03-my-courses")
    react.get_by_test_id("continue-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Birinchi komponent")

    # The profile: the API's message next to the field it is about, then a successful save.
    page.get_by_test_id("nav-account").click()
    expect(page.get_by_test_id("profile-first_name")).to_have_value("Bobur")
    expect(page.get_by_test_id("profile-preferred_language")).to_have_value("en")
    page.get_by_test_id("profile-first_name").fill("Boburjon")
    page.get_by_test_id("profile-headline").fill("Frontend dasturchi, Samarqand")
    page.get_by_test_id("profile-bio").fill("Reactni oʻrganyapman.\nShaxmat ham oʻynayman.")
    avatar = page.get_by_test_id("profile-avatar_url")
    avatar.fill("ftp://example.com/bobur.png")
    page.get_by_test_id("profile-submit").click()
    expect(page.get_by_test_id("profile-avatar_url-error")).to_have_text("Enter a valid URL.")
    expect(avatar).to_have_attribute("aria-invalid", "true")
    expect(avatar).to_be_focused()
    expect(message(page)).to_have_text("The submitted data is not valid.")
    expect(page.get_by_test_id("profile-name")).to_have_text("Bobur Toʻrayev")
    shoot(page, screenshots, "learner-04-profile-error")

    avatar.fill("https://example.com/bobur.png")
    page.get_by_test_id("profile-submit").click()
    expect(message(page)).to_have_text("Your profile is saved.")
    expect(page.get_by_test_id("profile-name")).to_have_text("Boburjon Toʻrayev")
    expect(page.get_by_test_id("profile-avatar_url-error")).to_be_hidden()
    expect(page.get_by_test_id("profile-avatar_url")).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("profile-headline")).to_have_value("Frontend dasturchi, Samarqand")
    shoot(page, screenshots, "learner-05-profile-saved")

    # Switching to Russian while logged in makes Russian the profile's language too.
    with page.expect_request(is_profile_patch) as remembered:
        page.get_by_test_id("lang-ru").click()
    assert remembered.value.post_data_json == {"preferred_language": "ru"}
    expect(page.get_by_role("heading", level=1)).to_have_text("Мой аккаунт")
    expect(page.get_by_test_id("profile-preferred_language")).to_have_value("ru")
    page.get_by_test_id("profile-avatar_url").fill("ftp://example.com/bobur.png")
    page.get_by_test_id("profile-submit").click()
    expect(page.get_by_test_id("profile-avatar_url-error")).to_have_text("Введите правильный URL.")
    expect(message(page)).to_have_text("Отправленные данные некорректны.")
    shoot(page, screenshots, "learner-06-profile-error-ru")

    # Logged out, the language buttons change only the page; logging in brings back the
    # profile's language.
    page.get_by_test_id("logout-button").click()
    expect(page.get_by_test_id("session-user")).to_have_text("Войти")
    page.get_by_test_id("lang-en").click()
    expect(page.get_by_test_id("login-submit")).to_have_text("Log in")
    log_in(page, username, PASSWORD)
    expect(message(page)).to_have_text("Добро пожаловать, Boburjon Toʻrayev!")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_test_id("lang-ru")).to_have_attribute("aria-pressed", "true")
    patches = traffic.answers("PATCH", "/api/auth/profile/")
    assert patches == [200, 400, 200, 200, 400], traffic.calls
    assert not any(status >= 500 for _, _, status in traffic.calls)

    # The API answers in the profile's language, whatever language the request asks for.
    tokens = page.request.post(
        f"{demo_site}/api/auth/login/", data={"username": username, "password": PASSWORD}
    ).json()
    refused = page.request.patch(
        f"{demo_site}/api/auth/profile/",
        data={"avatar_url": "ftp://example.com/bobur.png"},
        headers={"Authorization": f"Bearer {tokens['access']}", "Accept-Language": "en"},
    )
    assert refused.status == 400
    assert refused.headers["content-language"] == "ru"
    assert refused.json()["detail"] == "Отправленные данные некорректны."
    assert refused.json()["errors"] == {"avatar_url": ["Введите правильный URL."]}


def is_account_deletion(request: Any) -> bool:
    return request.method == "POST" and urlsplit(request.url).path == "/api/auth/delete-account/"


def test_a_learner_deletes_their_account_which_an_instructor_with_courses_cannot(
    new_page: Callable[..., Any], demo_site: str, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    page = new_page()
    traffic = Traffic(page)
    username = f"kamola-{uuid.uuid4().hex[:6]}"

    page.goto(f"{demo_site}/#/account")
    settled(page)
    fill_registration(page, username, PASSWORD, "Kamola", "Xoʻjayeva")
    page.get_by_test_id("register-submit").click()
    expect(page.get_by_test_id("session-user")).to_have_text(username)
    # Registration has led to the catalogue: the account link below opens the profile instead of
    # being a click on the page the browser is already on.
    expect(message(page)).to_have_text(
        "Your account is ready, Kamola Xoʻjayeva. You are logged in."
    )

    # The danger zone says what goes and what stays, and asks once more before deleting.
    page.get_by_test_id("nav-account").click()
    zone = page.get_by_test_id("delete-form")
    expect(zone.get_by_role("heading", level=2)).to_have_text("Delete my account")
    expect(zone).to_contain_text("wishlist and the text of your reviews")
    expect(zone).to_contain_text("under an anonymous name")
    password = page.get_by_test_id("delete-password")
    confirm_step = page.get_by_test_id("delete-confirm-step")
    expect(confirm_step).to_be_hidden()
    password.fill("not-my-password")
    page.get_by_test_id("delete-start").click()
    expect(confirm_step).to_be_visible()
    expect(page.get_by_test_id("delete-start")).to_be_hidden()
    expect(page.get_by_test_id("delete-cancel")).to_be_focused()
    shoot(page, screenshots, "delete-01-danger-zone")

    # A wrong password: the API's message under the field, and the question asked again next time.
    page.get_by_test_id("delete-confirm").click()
    expect(page.get_by_test_id("delete-password-error")).to_have_text(
        "The current password is wrong."
    )
    expect(message(page)).to_have_text("The submitted data is not valid.")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_be_focused()
    expect(confirm_step).to_be_hidden()
    expect(page.get_by_test_id("session-user")).to_have_text(username)
    shoot(page, screenshots, "delete-02-wrong-password")

    # Enter in the field only asks, and cancelling sends nothing.
    password.fill(PASSWORD)
    password.press("Enter")
    expect(confirm_step).to_be_visible()
    page.get_by_test_id("delete-cancel").click()
    expect(confirm_step).to_be_hidden()
    expect(page.get_by_test_id("delete-start")).to_be_focused()

    page.get_by_test_id("delete-start").click()
    with page.expect_request(is_account_deletion) as deletion:
        page.get_by_test_id("delete-confirm").click()
    expect(message(page)).to_have_text("Your account was deleted.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Course catalogue")
    expect(page.get_by_test_id("session-user")).to_have_text("Log in")
    expect(page.get_by_test_id("nav-my-courses")).to_be_hidden()
    shoot(page, screenshots, "delete-03-deleted")
    deletions = traffic.answers("POST", "/api/auth/delete-account/")
    assert deletions == [400, 204], traffic.calls
    assert not any(path == "/api/auth/logout/" for _, path, _ in traffic.calls)

    # The page forgot a token that is dead anyway, and the old credentials open nothing.
    old_access = deletion.value.headers["authorization"]
    refused = page.request.get(
        f"{demo_site}/api/auth/profile/", headers={"Authorization": old_access}
    )
    assert refused.status == 401
    page.get_by_test_id("nav-account").click()
    log_in(page, username, PASSWORD)
    expect(message(page)).to_have_text("Unable to log in with the provided credentials.")
    expect(page.get_by_test_id("session-user")).to_have_text("Log in")

    # An instructor who owns courses is refused, in the language of their profile (Uzbek).
    log_in(page, "dilnoza", "coursehub-demo")
    expect(page.get_by_test_id("session-user")).to_have_text("dilnoza")
    expect(page.locator("html")).to_have_attribute("lang", "uz")
    page.get_by_test_id("nav-account").click()
    expect(zone.get_by_role("heading", level=2)).to_have_text("Hisobni oʻchirish")
    password.fill("coursehub-demo")
    page.get_by_test_id("delete-start").click()
    page.get_by_test_id("delete-confirm").click()
    expect(message(page)).to_have_text(
        "Sizda hali kurslar bor. Avval sayt xodimlaridan ularni boshqa oʻqituvchiga "
        "oʻtkazishni soʻrang."
    )
    expect(page.get_by_test_id("delete-password-error")).to_be_hidden()
    expect(page.get_by_test_id("session-user")).to_have_text("dilnoza")
    shoot(page, screenshots, "delete-04-instructor-refused-uz")
    assert ("POST", "/api/auth/delete-account/", 409) in traffic.calls
    assert not any(status >= 500 for _, _, status in traffic.calls)


def test_the_page_speaks_uzbek_and_russian_with_the_apis_own_messages(
    new_page: Callable[..., Any], demo_site: str, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    page = new_page()
    page.goto(f"{demo_site}/")
    expect(page.get_by_test_id("course-card")).to_have_count(6)

    # Uzbek: the page's own labels, and the API's message for a failed login.
    page.get_by_test_id("lang-uz").click()
    expect(page.locator("html")).to_have_attribute("lang", "uz")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kurslar katalogi")
    expect(page.get_by_test_id("search-button")).to_have_text("Qidirish")
    expect(page.get_by_test_id("nav-catalogue")).to_have_text("Katalog")
    expect(page.get_by_test_id("course-price").filter(has_text="Bepul")).to_have_count(2)
    expect(page.get_by_test_id("lang-uz")).to_have_attribute("aria-pressed", "true")
    shoot(page, screenshots, "uz-01-catalogue")

    page.get_by_test_id("nav-account").click()
    expect(page.get_by_role("heading", name="Roʻyxatdan oʻtish")).to_be_visible()
    with page.expect_request("**/api/auth/login/") as login:
        log_in(page, "nobody", "wrong-password")
    assert login.value.headers["accept-language"] == "uz"
    expect(message(page)).to_have_text("Kiritilgan maʼlumotlar bilan tizimga kirib boʻlmadi.")
    shoot(page, screenshots, "uz-02-login-error")

    # Russian: the same, then a refusal from the API once logged in (a paid course).
    page.get_by_test_id("lang-ru").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text("Мой аккаунт")
    expect(page.get_by_test_id("login-submit")).to_have_text("Войти")
    log_in(page, "nobody", "wrong-password")
    expect(message(page)).to_have_text("Не удалось войти с указанными учётными данными.")
    shoot(page, screenshots, "ru-01-login-error")

    log_in(page, "olga", "coursehub-demo")
    expect(message(page)).to_have_text("Добро пожаловать, Ольга Ким!")
    search(page, "flutter")
    expect(page.get_by_test_id("course-count")).to_have_text("Найдено курсов: 1")
    page.get_by_test_id("course-link").click()
    expect(page.get_by_role("heading", name="Программа курса")).to_be_visible()
    page.get_by_test_id("enroll-button").click()
    expect(message(page)).to_contain_text("Этот курс стоит 390000.00 UZS")
    shoot(page, screenshots, "ru-02-paid-course")


def test_the_page_fits_a_phone_screen(
    new_page: Callable[..., Any], demo_site: str, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    page = new_page(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    overflow = "() => document.documentElement.scrollWidth - window.innerWidth"

    def fits_the_screen(name: str) -> None:
        assert page.evaluate(overflow) <= 0, "the page scrolls sideways"
        shoot(page, screenshots, name)

    page.goto(f"{demo_site}/")
    expect(page.get_by_test_id("course-card")).to_have_count(6)
    fits_the_screen("phone-01-catalogue")

    # The demo student is enrolled in "React asoslari" with two of five lessons done.
    page.get_by_test_id("nav-account").click()
    log_in(page, "student", "coursehub-demo")
    expect(page.get_by_test_id("session-user")).to_have_text("student")
    search(page, "react")
    page.get_by_test_id("course-link").filter(has_text="React asoslari").click()
    expect(page.get_by_test_id("progress-bar")).to_have_attribute("aria-valuenow", "40")
    fits_the_screen("phone-02-course")

    page.get_by_test_id("continue-link").click()
    expect(page.get_by_test_id("complete-button")).to_be_visible()
    fits_the_screen("phone-03-lesson")

    # The new views in the menu, which wraps onto a second line.
    page.get_by_test_id("nav-my-courses").click()
    expect(page.get_by_test_id("my-course")).to_have_count(3)
    fits_the_screen("phone-04-my-courses")

    page.get_by_test_id("nav-account").click()
    expect(page.get_by_test_id("profile-form")).to_be_visible()
    fits_the_screen("phone-05-profile")


def test_staff_reorder_lessons_in_the_admin_with_buttons_that_post(
    new_page: Callable[..., Any], demo_site: str, screenshots: Path
) -> None:
    from playwright.sync_api import expect

    page = new_page()
    posted: list[str] = []
    page.on(
        "request",
        lambda request: posted.append(request.method) if "/move-" in request.url else None,
    )
    page.goto(f"{demo_site}/admin/login/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill("coursehub-demo")
    page.locator("input[type=submit]").click()
    page.goto(f"{demo_site}/admin/coursehub/section/?q=Loyihani+sozlash")
    page.get_by_role("link", name="Loyihani sozlash").first.click()

    titles = page.locator("tr.has_original td.field-title input")
    first_row = page.locator("tr.has_original").first
    expect(titles.nth(0)).to_have_value("Kursga kirish")
    expect(titles.nth(1)).to_have_value("Virtual muhit va Django oʻrnatish")

    first_row.get_by_role("button", name="Move down").click()
    expect(titles.nth(0)).to_have_value("Virtual muhit va Django oʻrnatish")
    expect(titles.nth(1)).to_have_value("Kursga kirish")
    shoot(page, screenshots, "admin-01-lesson-moved")

    # And back, through the button of the row it now occupies.
    page.locator("tr.has_original").nth(1).get_by_role("button", name="Move up").click()
    expect(titles.nth(0)).to_have_value("Kursga kirish")
    assert posted == ["POST", "POST"]
