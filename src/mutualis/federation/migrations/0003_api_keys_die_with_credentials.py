from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("federation", "0002_api_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="kept_by_administrator",
            field=models.BooleanField(
                default=False,
                help_text="The key survives its user's password change, deactivation and lock.",
                verbose_name="kept by the administrator",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("by_hand", "revoked by hand"),
                    ("password_changed", "password changed"),
                    ("deactivated", "user deactivated"),
                    ("locked", "sign-in locked"),
                ],
                max_length=20,
                verbose_name="reason of revocation",
            ),
        ),
        # keys revoked before reasons were kept were revoked by hand
        migrations.RunSQL(
            "UPDATE federation_apitoken SET revoked_reason = 'by_hand'"
            " WHERE revoked_at IS NOT NULL",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="made on"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last used"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="revoked on"),
        ),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=models.Q(("revoked_at__isnull", True), ("revoked_reason", ""))
                | models.Q(
                    ("revoked_at__isnull", False), models.Q(("revoked_reason", ""), _negated=True)
                ),
                name="api_token_revoked_with_a_reason",
            ),
        ),
    ]
