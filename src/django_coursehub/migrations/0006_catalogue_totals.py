# The number of published courses, kept by triggers so the course list never counts them.

from django.db import migrations, models

from django_coursehub.migration_operations import RunSQLOnPostgreSQL, RunSQLOnSQLite

TOTALS = '"coursehub_cataloguetotals"'


def write_totals(apps, schema_editor):
    Course = apps.get_model("coursehub", "Course")
    CatalogueTotals = apps.get_model("coursehub", "CatalogueTotals")
    database = schema_editor.connection.alias
    CatalogueTotals.objects.using(database).update_or_create(
        pk=1,
        defaults={
            "published_courses": Course.objects.using(database)
            .filter(status="published")
            .count()
        },
    )


class Migration(migrations.Migration):

    dependencies = [
        ('coursehub', '0005_payments'),
    ]

    operations = [
        migrations.CreateModel(
            name='CatalogueTotals',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('published_courses', models.BigIntegerField(default=0, verbose_name='published courses')),
            ],
            options={
                'verbose_name': 'catalogue totals',
                'verbose_name_plural': 'catalogue totals',
            },
        ),
        # One row-level trigger for every change of a course row. It runs in the writer's
        # transaction, so the total commits or rolls back with the change, and it touches the
        # totals row only when a course enters or leaves the published state.
        RunSQLOnPostgreSQL(
            sql=(
                f"""
                CREATE FUNCTION coursehub_count_published_courses() RETURNS trigger
                LANGUAGE plpgsql AS $$
                DECLARE
                    delta integer := 0;
                BEGIN
                    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'published' THEN
                        delta := delta - 1;
                    END IF;
                    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'published' THEN
                        delta := delta + 1;
                    END IF;
                    IF delta <> 0 THEN
                        UPDATE {TOTALS} SET "published_courses" = "published_courses" + delta
                        WHERE "id" = 1;
                    END IF;
                    RETURN NULL;
                END
                $$
                """,
                """
                CREATE TRIGGER "coursehub_course_published_count"
                AFTER INSERT OR DELETE OR UPDATE OF "status" ON "coursehub_course"
                FOR EACH ROW EXECUTE FUNCTION coursehub_count_published_courses()
                """,
            ),
            reverse_sql=(
                'DROP TRIGGER "coursehub_course_published_count" ON "coursehub_course"',
                "DROP FUNCTION coursehub_count_published_courses()",
            ),
        ),
        RunSQLOnSQLite(
            sql=(
                f"""
                CREATE TRIGGER "coursehub_course_published_insert"
                AFTER INSERT ON "coursehub_course" WHEN NEW."status" = 'published'
                BEGIN
                    UPDATE {TOTALS} SET "published_courses" = "published_courses" + 1
                    WHERE "id" = 1;
                END
                """,
                f"""
                CREATE TRIGGER "coursehub_course_published_delete"
                AFTER DELETE ON "coursehub_course" WHEN OLD."status" = 'published'
                BEGIN
                    UPDATE {TOTALS} SET "published_courses" = "published_courses" - 1
                    WHERE "id" = 1;
                END
                """,
                f"""
                CREATE TRIGGER "coursehub_course_published_update"
                AFTER UPDATE OF "status" ON "coursehub_course"
                WHEN (OLD."status" = 'published') <> (NEW."status" = 'published')
                BEGIN
                    UPDATE {TOTALS}
                    SET "published_courses" = "published_courses"
                        + (CASE WHEN NEW."status" = 'published' THEN 1 ELSE -1 END)
                    WHERE "id" = 1;
                END
                """,
            ),
            reverse_sql=(
                'DROP TRIGGER "coursehub_course_published_insert"',
                'DROP TRIGGER "coursehub_course_published_delete"',
                'DROP TRIGGER "coursehub_course_published_update"',
            ),
        ),
        # After the triggers: on PostgreSQL, creating a trigger locks writers out of the course
        # table until this migration commits, so the count cannot miss a course nor count one
        # twice; SQLite has a single writer anyway.
        migrations.RunPython(write_totals, migrations.RunPython.noop, elidable=True),
    ]
