# Course search and the indexes of the course list's filters and orderings.

import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

from django_coursehub.catalog.search import search_document
from django_coursehub.migration_operations import RunSQLOnPostgreSQL


def _names(user):
    # Historical models have no methods: read the usual name fields where the user model has them.
    parts = [getattr(user, name, "") for name in ("first_name", "last_name", "username")]
    return " ".join(part for part in parts if part)


def fill_search_text(apps, schema_editor):
    Course = apps.get_model("coursehub", "Course")
    courses = Course.objects.using(schema_editor.connection.alias).select_related(
        "category", "owner"
    )
    for course in courses.iterator(chunk_size=500):
        course.search_text = search_document(
            title=course.title,
            short_description=course.short_description,
            description=course.description,
            category=course.category.name if course.category_id else "",
            instructor=_names(course.owner),
        )
        course.save(update_fields=["search_text"])


class Migration(migrations.Migration):

    dependencies = [
        ('coursehub', '0002_learning_and_reviews'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='course',
            name='coursehub_course_status_pub',
        ),
        migrations.RemoveIndex(
            model_name='course',
            name='coursehub_course_cat_status',
        ),
        migrations.AddField(
            model_name='course',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='search text'),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='course',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['-published_at', '-id'], name='coursehub_course_pub_newest'),
        ),
        migrations.AddIndex(
            model_name='course',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['category', '-published_at', '-id'], name='coursehub_course_pub_category'),
        ),
        migrations.AddIndex(
            model_name='course',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['-enrollment_count', '-id'], name='coursehub_course_pub_popular'),
        ),
        migrations.AddIndex(
            model_name='course',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['-rating_avg', '-rating_count', '-id'], name='coursehub_course_pub_rating'),
        ),
        migrations.AddIndex(
            model_name='course',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['price', 'id'], name='coursehub_course_pub_price'),
        ),
        migrations.AddIndex(
            model_name='course',
            index=models.Index(django.db.models.functions.text.Lower('title'), models.F('id'), condition=models.Q(('status', 'published')), name='coursehub_course_pub_title'),
        ),
        migrations.AddIndex(
            model_name='course',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['level', '-published_at'], name='coursehub_course_pub_level'),
        ),
        migrations.AddIndex(
            model_name='course',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['language', '-published_at'], name='coursehub_course_pub_language'),
        ),
        # PostgreSQL derives the weighted full-text vector from search_text itself (lines:
        # title A, short description B, description C, category B, instructor C), so the two
        # can never disagree. It is not a model field: other databases have no such column.
        RunSQLOnPostgreSQL(
            sql=(
                """
                ALTER TABLE "coursehub_course" ADD COLUMN "search_vector" tsvector
                GENERATED ALWAYS AS (
                    setweight(to_tsvector('simple'::regconfig, split_part("search_text", E'\\n', 1)), 'A')
                    || setweight(to_tsvector('simple'::regconfig, split_part("search_text", E'\\n', 2)), 'B')
                    || setweight(to_tsvector('simple'::regconfig, split_part("search_text", E'\\n', 3)), 'C')
                    || setweight(to_tsvector('simple'::regconfig, split_part("search_text", E'\\n', 4)), 'B')
                    || setweight(to_tsvector('simple'::regconfig, split_part("search_text", E'\\n', 5)), 'C')
                ) STORED
                """,
                'CREATE INDEX "coursehub_course_search" ON "coursehub_course" USING gin ("search_vector")',
            ),
            reverse_sql=(
                'DROP INDEX "coursehub_course_search"',
                'ALTER TABLE "coursehub_course" DROP COLUMN "search_vector"',
            ),
        ),
    ]
