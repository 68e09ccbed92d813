# A narrower text vector to rank search matches by: every part of the search document but the
# description. PostgreSQL only, like the search vector itself (0003).

from django.db import migrations

from django_coursehub.migration_operations import RunSQLOnPostgreSQL


class Migration(migrations.Migration):

    dependencies = [
        ('coursehub', '0006_catalogue_totals'),
    ]

    operations = [
        # The same lines and weights as search_vector (title A, short description B, category B,
        # instructor C), without line 3, the description.
        RunSQLOnPostgreSQL(
            sql=(
                """
                ALTER TABLE "coursehub_course" ADD COLUMN "search_rank_vector" tsvector
                GENERATED ALWAYS AS (
                    setweight(to_tsvector('simple'::regconfig, split_part("search_text", E'\\n', 1)), 'A')
                    || setweight(to_tsvector('simple'::regconfig, split_part("search_text", E'\\n', 2)), 'B')
                    || setweight(to_tsvector('simple'::regconfig, split_part("search_text", E'\\n', 4)), 'B')
                    || setweight(to_tsvector('simple'::regconfig, split_part("search_text", E'\\n', 5)), 'C')
                ) STORED
                """,
            ),
            reverse_sql=('ALTER TABLE "coursehub_course" DROP COLUMN "search_rank_vector"',),
        ),
    ]
