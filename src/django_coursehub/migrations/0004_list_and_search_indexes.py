# Indexes measured by the benchmark: counting published courses on SQLite, the global review
# list, and a full-text index over published courses only on PostgreSQL.

from django.conf import settings
from django.db import migrations, models

from django_coursehub.migration_operations import RunSQLOnPostgreSQL


class Migration(migrations.Migration):

    dependencies = [
        ('coursehub', '0003_course_search'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='course',
            name='coursehub_course_pub_newest',
        ),
        migrations.AddIndex(
            model_name='course',
            index=models.Index(fields=['status', '-published_at', '-id'], name='coursehub_course_status_newest'),
        ),
        migrations.AddIndex(
            model_name='review',
            index=models.Index(fields=['-created_at', '-id'], name='coursehub_review_newest'),
        ),
        # Searches read published courses (an instructor's own list goes through the owner
        # index): a partial index finds them without visiting unpublished rows, and is smaller.
        RunSQLOnPostgreSQL(
            sql=(
                'DROP INDEX "coursehub_course_search"',
                'CREATE INDEX "coursehub_course_search_pub" ON "coursehub_course" '
                'USING gin ("search_vector") WHERE "status" = \'published\'',
            ),
            reverse_sql=(
                'DROP INDEX "coursehub_course_search_pub"',
                'CREATE INDEX "coursehub_course_search" ON "coursehub_course" '
                'USING gin ("search_vector")',
            ),
        ),
    ]
