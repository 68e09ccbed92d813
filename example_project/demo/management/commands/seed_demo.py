"""``manage.py seed_demo``: fill the database with a small, realistic course catalogue.

Besides accounts, categories and courses it enrolls a few learners, completes some of their
lessons, leaves reviews and fills a wishlist, all through the package's services, so the stored
counters (lesson progress, enrollment counts, ratings) are the ones a real site would have, and
the certificates and notifications those actions cause are there too.

Running it again creates nothing twice: accounts, categories, courses, enrollments and reviews
that already exist (looked up by username, category name, course slug, and learner and course)
are left as they are.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from django_coursehub.accounts import services as account_services
from django_coursehub.catalog import services as catalog_services
from django_coursehub.catalog.models import Category, Course, Lesson
from django_coursehub.certificates.models import Certificate
from django_coursehub.learning import services as learning_services
from django_coursehub.learning.models import Enrollment
from django_coursehub.reviews import services as review_services
from django_coursehub.reviews.models import Review
from django_coursehub.wishlist import services as wishlist_services

DEMO_PASSWORD = "coursehub-demo"

CATEGORIES = [
    ("Frontend", "frontend", "Interfaces that run in the browser: HTML, CSS, JavaScript, React."),
    ("Backend", "backend", "Servers, APIs and databases."),
    ("Mobile", "mobile", "Apps for Android and iOS."),
    ("Design", "design", "UI and UX design, prototyping and design systems."),
]

INSTRUCTORS = [
    {
        "username": "dilnoza",
        "email": "dilnoza@example.com",
        "first_name": "Dilnoza",
        "last_name": "Yoʻldosheva",
        "headline": "Backend dasturchi, Python va PostgreSQL",
        "bio": "Oʻn yildan beri veb-xizmatlar yaratadi va Toshkentda dasturlashdan dars beradi.",
    },
    {
        "username": "gayrat",
        "email": "gayrat@example.com",
        "first_name": "Gʻayrat",
        "last_name": "Toʻxtayev",
        "headline": "Frontend va mobil dasturchi",
        "bio": "React va Flutter boʻyicha mutaxassis, startaplarga ilovalar yaratadi.",
    },
]

STUDENT = {
    "username": "student",
    "email": "student@example.com",
    "first_name": "Madina",
    "last_name": "Qodirova",
}

#: Learners who enroll and review; the student above is one of them too.
LEARNERS = [
    {
        "username": "aziz",
        "email": "aziz@example.com",
        "first_name": "Aziz",
        "last_name": "Karimov",
    },
    {
        "username": "nilufar",
        "email": "nilufar@example.com",
        "first_name": "Nilufar",
        "last_name": "Gʻulomova",
    },
    {
        "username": "olga",
        "email": "olga@example.com",
        "first_name": "Ольга",
        "last_name": "Ким",
    },
]

ADMIN = {"username": "admin", "email": "admin@example.com"}

#: Who learns what: (username, course slug, how access is given, lessons to complete).
#: "free" joins like a learner would; "manual" is access granted by staff, whatever the price.
#: ``ALL`` completes every lesson, which completes the course.
ALL = -1
ENROLLMENTS: list[tuple[str, str, str, int]] = [
    ("student", "react-asoslari", "free", 2),
    ("student", "figma-ui-dizayn", "free", ALL),
    ("student", "django-rest-api", "manual", 0),
    ("aziz", "react-asoslari", "free", ALL),
    ("nilufar", "react-asoslari", "free", 1),
    ("olga", "figma-ui-dizayn", "free", ALL),
]

#: (username, course slug) saved for later.
WISHLIST: list[tuple[str, str]] = [
    ("student", "postgresql-for-developers"),
    ("student", "javascript-s-nulya"),
    ("aziz", "figma-ui-dizayn"),
]

#: (username, course slug, rating, comment); every author is enrolled above.
REVIEWS: list[tuple[str, str, int, str]] = [
    (
        "aziz",
        "react-asoslari",
        5,
        "Juda tushunarli kurs: har bir dars qisqa va amaliy misollar bilan.",
    ),
    (
        "student",
        "react-asoslari",
        4,
        "Yaxshi boshlanish. Formalar haqida koʻproq mashq boʻlsa, yanada yaxshi boʻlardi.",
    ),
    (
        "nilufar",
        "react-asoslari",
        2,
        "Menga tezroq tuyuldi: JavaScriptni yaxshi bilmasangiz, qiyin boʻladi.",
    ),
    (
        "student",
        "figma-ui-dizayn",
        5,
        "Auto layout nihoyat tushunarli boʻldi. Namuna fayl juda foydali.",
    ),
    (
        "olga",
        "figma-ui-dizayn",
        4,
        "Хороший бесплатный курс, хотелось бы больше заданий по дизайн-системе.",
    ),
]

VIDEO_BASE = "https://videos.example.com/coursehub"
FILE_BASE = "https://files.example.com/coursehub"


def video(title: str, minutes: int, *, preview: bool = False) -> dict[str, Any]:
    return {"title": title, "kind": "video", "duration": minutes * 60, "is_preview": preview}


def text(title: str, minutes: int, content: str, *, preview: bool = False) -> dict[str, Any]:
    return {
        "title": title,
        "kind": "text",
        "duration": minutes * 60,
        "content": content,
        "is_preview": preview,
    }


def file(title: str, minutes: int, filename: str) -> dict[str, Any]:
    return {"title": title, "kind": "file", "duration": minutes * 60, "filename": filename}


COURSES: list[dict[str, Any]] = [
    {
        "slug": "django-rest-api",
        "title": "Django bilan REST API yaratish",
        "short_description": "Django va django-ninja yordamida toʻliq REST API quramiz.",
        "description": (
            "Kurs davomida loyiha sozlamalaridan boshlab modellar, migratsiyalar, "
            "JWT autentifikatsiya va API hujjatlarigacha bosqichma-bosqich oʻtamiz."
        ),
        "category": "Backend",
        "instructor": "dilnoza",
        "price": Decimal("490000"),
        "currency": "UZS",
        "level": "intermediate",
        "language": "uz",
        "sections": [
            (
                "Loyihani sozlash",
                [
                    video("Kursga kirish", 7, preview=True),
                    video("Virtual muhit va Django oʻrnatish", 13),
                    text(
                        "Loyiha tuzilmasi",
                        10,
                        "Django loyihasi bir nechta ilovadan iborat. Har bir ilova oʻz "
                        "modellari, xizmatlari va API yoʻllarini saqlaydi.",
                    ),
                ],
            ),
            (
                "Modellar va maʼlumotlar bazasi",
                [
                    video("Modellar yaratish", 21),
                    video("Migratsiyalar", 14),
                    file("Amaliy topshiriq", 15, "django-amaliy-topshiriq.pdf"),
                ],
            ),
            (
                "API endpointlari",
                [
                    video("django-ninja bilan birinchi endpoint", 19),
                    video("JWT autentifikatsiya", 22),
                    text(
                        "Yakuniy loyiha",
                        20,
                        "Kurslar katalogi uchun API yozing: roʻyxat, qidiruv va sahifalash bilan.",
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "react-asoslari",
        "title": "React asoslari",
        "short_description": "Komponentlar, holat va hodisalar: Reactni noldan oʻrganamiz.",
        "description": "JavaScript bilgan har bir kishi uchun Reactga amaliy kirish.",
        "category": "Frontend",
        "instructor": "gayrat",
        "price": Decimal("0"),
        "currency": "UZS",
        "level": "beginner",
        "language": "uz",
        "sections": [
            (
                "Boshlash",
                [
                    video("React nima?", 6, preview=True),
                    video("Birinchi komponent", 12),
                ],
            ),
            (
                "Holat va hodisalar",
                [
                    video("useState hooki", 15),
                    video("Formalar bilan ishlash", 17),
                    text(
                        "Mashq: vazifalar roʻyxati",
                        25,
                        "Vazifa qoʻshish, belgilash va oʻchirish mumkin boʻlgan kichik "
                        "ilova yarating.",
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "flutter-first-app",
        "title": "Flutter: первое мобильное приложение",
        "short_description": "От установки SDK до публикации приложения в Google Play.",
        "description": "Практический курс: за шесть уроков вы соберёте и опубликуете приложение.",
        "category": "Mobile",
        "instructor": "gayrat",
        "price": Decimal("390000"),
        "currency": "UZS",
        "level": "beginner",
        "language": "ru",
        "sections": [
            (
                "Введение",
                [
                    video("Что такое Flutter", 8, preview=True),
                    text(
                        "Установка SDK",
                        10,
                        "Скачайте Flutter SDK, добавьте его в PATH и запустите flutter doctor.",
                    ),
                ],
            ),
            (
                "Виджеты",
                [
                    video("Stateless и Stateful виджеты", 18),
                    video("Вёрстка экранов", 21),
                    file("Исходный код урока", 5, "flutter-widgets.zip"),
                ],
            ),
            (
                "Публикация",
                [
                    video("Сборка для Android", 15),
                    text(
                        "Публикация в Google Play",
                        12,
                        "Подготовьте иконку, скриншоты и описание, затем загрузите AAB-файл.",
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "figma-ui-dizayn",
        "title": "Figma bilan UI dizayn",
        "short_description": "Freymlar, auto layout va komponentlar bilan interfeys chizamiz.",
        "description": "Dizaynga yangi kirganlar uchun bepul kurs.",
        "category": "Design",
        "instructor": "dilnoza",
        "price": Decimal("0"),
        "currency": "UZS",
        "level": "beginner",
        "language": "uz",
        "sections": [
            (
                "Figma bilan tanishuv",
                [
                    video("Interfeys bilan tanishuv", 9, preview=True),
                    video("Freymlar va auto layout", 16),
                ],
            ),
            (
                "Dizayn tizimi",
                [
                    text(
                        "Ranglar va tipografiya",
                        8,
                        "Bitta asosiy rang, ikkita yordamchi rang va aniq shrift "
                        "oʻlchamlari bilan boshlang.",
                    ),
                    video("Komponentlar kutubxonasi", 19),
                    file("Namuna fayl", 5, "figma-namuna.fig"),
                ],
            ),
        ],
    },
    {
        "slug": "postgresql-for-developers",
        "title": "PostgreSQL for Application Developers",
        "short_description": "Data modelling, indexes and full-text search for busy developers.",
        "description": (
            "Constraints that keep data honest, query plans you can read, and search that "
            "ranks results well."
        ),
        "category": "Backend",
        "instructor": "dilnoza",
        "price": Decimal("29.00"),
        "currency": "USD",
        "level": "advanced",
        "language": "en",
        "sections": [
            (
                "Getting the data model right",
                [
                    video("Why PostgreSQL", 10, preview=True),
                    video("Constraints that protect you", 23),
                    file("Cheat sheet: data types", 5, "postgresql-types.pdf"),
                ],
            ),
            (
                "Performance",
                [
                    video("Reading EXPLAIN ANALYZE", 25),
                    video("Indexes that pay off", 22),
                ],
            ),
            (
                "Search",
                [
                    video("Full-text search with ranking", 21),
                    text(
                        "Exercises",
                        30,
                        "Add a tsvector column to a table of articles, index it, and rank "
                        "the results of three queries.",
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "javascript-s-nulya",
        "title": "JavaScript с нуля",
        "short_description": "Переменные, функции и работа с DOM на живых примерах.",
        "description": "Курс для тех, кто никогда не программировал.",
        "category": "Frontend",
        "instructor": "gayrat",
        "price": Decimal("250000"),
        "currency": "UZS",
        "level": "all",
        "language": "ru",
        "sections": [
            (
                "Основы языка",
                [
                    video("Переменные и типы", 11, preview=True),
                    video("Функции", 14),
                    file("Шпаргалка", 4, "js-shpargalka.pdf"),
                ],
            ),
            (
                "Работа с DOM",
                [
                    video("Поиск элементов", 13),
                    video("События", 15),
                ],
            ),
        ],
    },
    {
        "slug": "kotlin-android",
        "title": "Kotlin bilan Android ilovalar",
        "short_description": "Tez orada: Kotlin va Android Studio bilan ilova yaratish.",
        "description": "Kurs tayyorlanmoqda.",
        "category": "Mobile",
        "instructor": "gayrat",
        "price": Decimal("550000"),
        "currency": "UZS",
        "level": "intermediate",
        "language": "uz",
        "is_draft": True,
        "sections": [
            (
                "Kotlin asoslari",
                [
                    video("Oʻzgaruvchilar va turlar", 12, preview=True),
                    video("Funksiyalar", 14),
                ],
            ),
            (
                "Android Studio",
                [
                    video("Birinchi ilova", 18),
                    text("Emulyatorni sozlash", 7, "AVD Manager orqali yangi qurilma yarating."),
                ],
            ),
        ],
    },
]


class Command(BaseCommand):
    help = (
        "Create demo accounts, categories, courses, enrollments and reviews "
        "(safe to run more than once)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.created: list[str] = []
        with transaction.atomic():
            self._admin()
            instructors = {data["username"]: self._instructor(data) for data in INSTRUCTORS}
            learners = {data["username"]: self._user(data) for data in [STUDENT, *LEARNERS]}
            categories = {
                name: self._category(name, slug, about) for name, slug, about in CATEGORIES
            }
            for course in COURSES:
                self._course(course, categories, instructors)
            courses = {course.slug: course for course in Course.objects.all()}
            for username, slug, source, lessons in ENROLLMENTS:
                self._enrollment(learners[username], courses[slug], source, lessons)
            for username, slug, rating, comment in REVIEWS:
                self._review(learners[username], courses[slug], rating, comment)
            for username, slug in WISHLIST:
                self._wish(learners[username], courses[slug])

        if self.created:
            self.stdout.write(self.style.SUCCESS(f"Created {len(self.created)} demo objects:"))
            for line in self.created:
                self.stdout.write(f"  {line}")
        else:
            self.stdout.write("The demo data is already there; nothing to create.")
        self._print_logins()
        self._print_certificates()

    def _user(self, data: dict[str, str]) -> Any:
        existing = get_user_model()._default_manager.filter(username=data["username"]).first()
        if existing is not None:
            return existing
        user = account_services.user_register(
            username=data["username"],
            email=data["email"],
            password=DEMO_PASSWORD,
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
        )
        self.created.append(f"user {user.username}")
        return user

    def _admin(self) -> Any:
        user_model = get_user_model()
        existing = user_model._default_manager.filter(username=ADMIN["username"]).first()
        if existing is not None:
            return existing
        # No package service makes superusers: that is Django's own job.
        admin = user_model._default_manager.create_superuser(
            username=ADMIN["username"], email=ADMIN["email"], password=DEMO_PASSWORD
        )
        self.created.append(f"superuser {admin.username}")
        return admin

    def _instructor(self, data: dict[str, str]) -> Any:
        existing = get_user_model()._default_manager.filter(username=data["username"]).exists()
        user = self._user(data)
        # What makes an instructor by default: the permission to add courses.
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="coursehub", codename="add_course")
        )
        if not existing:
            account_services.profile_update(
                user=user,
                changes={
                    "headline": data["headline"],
                    "bio": data["bio"],
                    "preferred_language": "uz",
                },
            )
        return user

    def _category(self, name: str, slug: str, description: str) -> Category:
        existing = Category.objects.filter(name=name).first()
        if existing is not None:
            return existing
        category = catalog_services.category_create(name=name, slug=slug, description=description)
        self.created.append(f"category {category.name}")
        return category

    def _course(
        self, data: dict[str, Any], categories: dict[str, Category], instructors: dict[str, Any]
    ) -> None:
        if Course.objects.filter(slug=data["slug"]).exists():
            return
        course = catalog_services.course_create(
            owner=instructors[data["instructor"]],
            title=data["title"],
            slug=data["slug"],
            short_description=data["short_description"],
            description=data["description"],
            category_id=categories[data["category"]].pk,
            price=data["price"],
            currency=data["currency"],
            level=data["level"],
            language=data["language"],
            is_published=not data.get("is_draft", False),
        )
        for section_number, (section_title, lessons) in enumerate(data["sections"], start=1):
            section = catalog_services.section_create(course=course, title=section_title)
            for number, lesson in enumerate(lessons, start=1):
                fields = dict(lesson)
                if fields["kind"] == "video":
                    name = f"{section_number:02d}-{number:02d}.mp4"
                    fields["video_url"] = f"{VIDEO_BASE}/{course.slug}/{name}"
                elif fields["kind"] == "file":
                    fields["attachment_url"] = f"{FILE_BASE}/{course.slug}/{fields.pop('filename')}"
                catalog_services.lesson_create(section=section, **fields)
        state = "draft" if data.get("is_draft") else "published"
        self.created.append(f"course {course.title} ({state}, {course.language})")

    def _enrollment(self, user: Any, course: Course, source: str, lessons: int) -> None:
        if Enrollment.objects.filter(user=user, course=course).exists():
            return
        if source == Enrollment.Source.MANUAL:
            enrollment, _granted = learning_services.enrollment_grant(
                user=user, course=course, source=Enrollment.Source.MANUAL
            )
        else:
            # A learner's own enrollment: free courses only, exactly as over the API.
            enrollment, _granted = learning_services.enrollment_create(user=user, course=course)
        outline = Lesson.objects.filter(course=course).order_by("section__order", "order")
        to_complete = list(outline if lessons == ALL else outline[:lessons])
        for lesson in to_complete:
            enrollment = learning_services.lesson_complete(user=user, lesson=lesson)
        done = f"{len(to_complete)} of {len(outline)} lessons done"
        if enrollment.completed_at:
            done = "course completed"
        self.created.append(
            f"enrollment {user.username} in {course.title} ({enrollment.source}, {done})"
        )

    def _review(self, user: Any, course: Course, rating: int, comment: str) -> None:
        if Review.objects.filter(user=user, course=course).exists():
            return
        review_services.review_create(user=user, course=course, rating=rating, comment=comment)
        self.created.append(f"review by {user.username} of {course.title} ({rating}/5)")

    def _wish(self, user: Any, course: Course) -> None:
        _entry, created = wishlist_services.wishlist_add(user=user, course=course)
        if created:
            self.created.append(f"wishlist of {user.username}: {course.title}")

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins"))
        rows = [
            ("username", "password", "role"),
            (ADMIN["username"], DEMO_PASSWORD, "superuser (/admin/)"),
            *((data["username"], DEMO_PASSWORD, "instructor") for data in INSTRUCTORS),
            (STUDENT["username"], DEMO_PASSWORD, "student (enrolled in three courses)"),
            *((data["username"], DEMO_PASSWORD, "student (reviewer)") for data in LEARNERS),
        ]
        for username, password, role in rows:
            self.stdout.write(f"  {username:<10} {password:<16} {role}")

    def _print_certificates(self) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Certificates (public, no login needed)"))
        for certificate in Certificate.objects.order_by("issued_at", "id"):
            self.stdout.write(
                f"  /api/certificates/{certificate.code}/pdf/  "
                f"{certificate.holder_name}, {certificate.course_title}"
            )
