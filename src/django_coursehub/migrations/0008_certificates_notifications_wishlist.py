
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('coursehub', '0007_search_rank_vector'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Certificate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(editable=False, max_length=64, unique=True, verbose_name='code')),
                ('status', models.CharField(choices=[('issued', 'Issued'), ('revoked', 'Revoked')], default='issued', max_length=10, verbose_name='status')),
                ('issued_at', models.DateTimeField(verbose_name='issued at')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                ('revoked_reason', models.TextField(blank=True, max_length=1000, verbose_name='reason for revoking')),
                ('holder_name', models.CharField(max_length=300, verbose_name="holder's name")),
                ('course_title', models.CharField(max_length=200, verbose_name='course title')),
                ('instructor_name', models.CharField(max_length=300, verbose_name='instructor')),
                ('lesson_count', models.PositiveIntegerField(verbose_name='number of lessons')),
                ('total_duration', models.PositiveIntegerField(verbose_name='total duration (seconds)')),
                ('language', models.CharField(max_length=10, verbose_name='language')),
                ('issuer_name', models.CharField(max_length=200, verbose_name='issuer')),
            ],
            options={
                'verbose_name': 'certificate',
                'verbose_name_plural': 'certificates',
                'ordering': ['-issued_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('lesson_published', 'New lesson in a course I take'), ('enrollment_confirmed', 'Enrollment confirmed'), ('certificate_issued', 'Certificate issued'), ('review_received', 'New review of my course')], max_length=40, verbose_name='kind')),
                ('title', models.CharField(max_length=300, verbose_name='title')),
                ('body', models.TextField(blank=True, max_length=5000, verbose_name='body')),
                ('event_key', models.CharField(max_length=100, verbose_name='event')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
            ],
            options={
                'verbose_name': 'notification',
                'verbose_name_plural': 'notifications',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('lesson_published', 'New lesson in a course I take'), ('enrollment_confirmed', 'Enrollment confirmed'), ('certificate_issued', 'Certificate issued'), ('review_received', 'New review of my course')], max_length=40, verbose_name='kind')),
                ('email', models.BooleanField(verbose_name='send by e-mail')),
            ],
            options={
                'verbose_name': 'notification preference',
                'verbose_name_plural': 'notification preferences',
            },
        ),
        migrations.CreateModel(
            name='WishlistItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='added at')),
            ],
            options={
                'verbose_name': 'wishlist item',
                'verbose_name_plural': 'wishlist items',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.AddIndex(
            model_name='enrollment',
            index=models.Index(condition=models.Q(('status__in', ['active', 'completed'])), fields=['course', 'id'], name='coursehub_enrollment_learners'),
        ),
        migrations.AddField(
            model_name='certificate',
            name='course',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='coursehub.course', verbose_name='course'),
        ),
        migrations.AddField(
            model_name='certificate',
            name='enrollment',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='coursehub.enrollment', verbose_name='enrollment'),
        ),
        migrations.AddField(
            model_name='certificate',
            name='replaces',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replaced_by', to='coursehub.certificate', verbose_name='replaces'),
        ),
        migrations.AddField(
            model_name='certificate',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='coursehub_certificates', to=settings.AUTH_USER_MODEL, verbose_name='holder'),
        ),
        migrations.AddField(
            model_name='notification',
            name='course',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='coursehub.course', verbose_name='course'),
        ),
        migrations.AddField(
            model_name='notification',
            name='lesson',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='coursehub.lesson', verbose_name='lesson'),
        ),
        migrations.AddField(
            model_name='notification',
            name='recipient',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='coursehub_notifications', to=settings.AUTH_USER_MODEL, verbose_name='recipient'),
        ),
        migrations.AddField(
            model_name='notificationpreference',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='coursehub_notification_preferences', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.AddField(
            model_name='wishlistitem',
            name='course',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='wishlisted_by', to='coursehub.course', verbose_name='course'),
        ),
        migrations.AddField(
            model_name='wishlistitem',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='coursehub_wishlist', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.AddIndex(
            model_name='certificate',
            index=models.Index(fields=['user', '-issued_at', '-id'], name='coursehub_certificate_mine'),
        ),
        migrations.AddConstraint(
            model_name='certificate',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'issued')), fields=('enrollment',), name='coursehub_certificate_one_valid'),
        ),
        migrations.AddConstraint(
            model_name='certificate',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['issued', 'revoked'])), name='coursehub_certificate_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='certificate',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('revoked_at__isnull', True), ('status', 'issued')), models.Q(('revoked_at__isnull', False), ('status', 'revoked')), _connector='OR'), name='coursehub_certificate_revoked_dated'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['recipient', '-created_at', '-id'], name='coursehub_notification_inbox'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('read_at__isnull', True)), fields=['recipient', '-created_at', '-id'], name='coursehub_notification_unread'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.UniqueConstraint(fields=('recipient', 'event_key'), name='coursehub_notification_once'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['lesson_published', 'enrollment_confirmed', 'certificate_issued', 'review_received'])), name='coursehub_notification_kind_valid'),
        ),
        migrations.AddConstraint(
            model_name='notificationpreference',
            constraint=models.UniqueConstraint(fields=('user', 'kind'), name='coursehub_preference_once'),
        ),
        migrations.AddIndex(
            model_name='wishlistitem',
            index=models.Index(fields=['user', '-created_at', '-id'], name='coursehub_wishlist_newest'),
        ),
        migrations.AddConstraint(
            model_name='wishlistitem',
            constraint=models.UniqueConstraint(fields=('user', 'course'), name='coursehub_wishlist_once'),
        ),
    ]
