# Orders and the Payme, Click and Stripe transactions that pay them.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('coursehub', '0004_list_and_search_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Order',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('provider', models.CharField(choices=[('payme', 'Payme'), ('click', 'Click'), ('stripe', 'Stripe')], max_length=16, verbose_name='provider')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='amount')),
                ('currency', models.CharField(max_length=3, verbose_name='currency')),
                ('status', models.CharField(choices=[('pending', 'pending'), ('awaiting', 'awaiting payment'), ('paid', 'paid'), ('refunded', 'refunded'), ('cancelled', 'cancelled'), ('expired', 'expired')], default='pending', max_length=16, verbose_name='status')),
                ('checkout_url', models.URLField(blank=True, default='', max_length=2000, verbose_name='checkout URL')),
                ('provider_reference', models.CharField(blank=True, default='', max_length=255, verbose_name='provider reference')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('paid_at', models.DateTimeField(blank=True, null=True, verbose_name='paid at')),
                ('refunded_at', models.DateTimeField(blank=True, null=True, verbose_name='refunded at')),
                ('cancelled_at', models.DateTimeField(blank=True, null=True, verbose_name='cancelled at')),
                ('buyer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='coursehub_orders', to=settings.AUTH_USER_MODEL, verbose_name='buyer')),
                ('course', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='orders', to='coursehub.course', verbose_name='course')),
            ],
            options={
                'verbose_name': 'order',
                'verbose_name_plural': 'orders',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ClickTransaction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('click_trans_id', models.BigIntegerField(unique=True, verbose_name='Click transaction id')),
                ('click_paydoc_id', models.BigIntegerField(verbose_name='Click payment document id')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='amount')),
                ('state', models.CharField(choices=[('prepared', 'prepared'), ('completed', 'completed'), ('cancelled', 'cancelled')], default='prepared', max_length=16, verbose_name='state')),
                ('click_error', models.IntegerField(default=0, verbose_name="Click's error code")),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('order', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='click_transactions', to='coursehub.order', verbose_name='order')),
            ],
            options={
                'verbose_name': 'Click transaction',
                'verbose_name_plural': 'Click transactions',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='PaymeTransaction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('payme_id', models.CharField(max_length=64, unique=True, verbose_name='Payme id')),
                ('payme_time', models.BigIntegerField(verbose_name='Payme creation time (ms)')),
                ('amount', models.BigIntegerField(verbose_name='amount (tiyin)')),
                ('account', models.JSONField(default=dict, verbose_name='account')),
                ('state', models.SmallIntegerField(choices=[(1, 'created'), (2, 'performed'), (-1, 'cancelled before completion'), (-2, 'cancelled after completion')], default=1, verbose_name='state')),
                ('reason', models.SmallIntegerField(blank=True, null=True, verbose_name='cancel reason')),
                ('create_time', models.BigIntegerField(default=0, verbose_name='created (ms)')),
                ('perform_time', models.BigIntegerField(default=0, verbose_name='performed (ms)')),
                ('cancel_time', models.BigIntegerField(default=0, verbose_name='cancelled (ms)')),
                ('order', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payme_transactions', to='coursehub.order', verbose_name='order')),
            ],
            options={
                'verbose_name': 'Payme transaction',
                'verbose_name_plural': 'Payme transactions',
                'ordering': ['payme_time', 'id'],
            },
        ),
        migrations.CreateModel(
            name='StripeEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event_id', models.CharField(max_length=255, unique=True, verbose_name='event id')),
                ('type', models.CharField(max_length=255, verbose_name='type')),
                ('livemode', models.BooleanField(default=False, verbose_name='live mode')),
                ('payload', models.JSONField(default=dict, verbose_name='payload')),
                ('received_at', models.DateTimeField(auto_now_add=True, verbose_name='received at')),
                ('order', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='stripe_events', to='coursehub.order', verbose_name='order')),
            ],
            options={
                'verbose_name': 'Stripe event',
                'verbose_name_plural': 'Stripe events',
                'ordering': ['-received_at', '-id'],
            },
        ),
        migrations.AddIndex(
            model_name='order',
            index=models.Index(fields=['buyer', '-created_at'], name='coursehub_order_buyer'),
        ),
        migrations.AddIndex(
            model_name='order',
            index=models.Index(fields=['status', 'updated_at'], name='coursehub_order_status'),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='coursehub_order_amount_gt_0'),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'awaiting', 'paid', 'refunded', 'cancelled', 'expired'])), name='coursehub_order_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(('provider__in', ['payme', 'click', 'stripe'])), name='coursehub_order_provider_valid'),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'paid'), _negated=True), ('paid_at__isnull', False), _connector='OR'), name='coursehub_order_paid_has_date'),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['pending', 'awaiting'])), fields=('buyer', 'course'), name='coursehub_order_one_open'),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'paid')), fields=('buyer', 'course'), name='coursehub_order_one_paid'),
        ),
        migrations.AddConstraint(
            model_name='clicktransaction',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['prepared', 'completed', 'cancelled'])), name='coursehub_click_state_valid'),
        ),
        migrations.AddConstraint(
            model_name='clicktransaction',
            constraint=models.UniqueConstraint(condition=models.Q(('state', 'completed')), fields=('order',), name='coursehub_click_one_completed_per_order'),
        ),
        migrations.AddIndex(
            model_name='paymetransaction',
            index=models.Index(fields=['payme_time'], name='coursehub_payme_time'),
        ),
        migrations.AddConstraint(
            model_name='paymetransaction',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', [1, 2, -1, -2])), name='coursehub_payme_state_valid'),
        ),
        migrations.AddConstraint(
            model_name='paymetransaction',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='coursehub_payme_amount_gt_0'),
        ),
        migrations.AddConstraint(
            model_name='paymetransaction',
            constraint=models.UniqueConstraint(condition=models.Q(('state__in', [1, 2])), fields=('order',), name='coursehub_payme_one_live_per_order'),
        ),
    ]
