from django.db import migrations, models


class Migration(migrations.Migration):
    """行政处罚法 Art. 29 as constraints, in their own transaction after the data is settled."""

    dependencies = [("supervision", "0008_settle_existing_decisions")]

    operations = [
        migrations.AddConstraint(
            model_name='penaltydecision',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'fine'), ('superseded', False)), fields=('order',), name='penalty_one_fine_per_order'),
        ),
        migrations.AddConstraint(
            model_name='penaltydecision',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'warning'), ('superseded', False)), fields=('order',), name='penalty_one_warning_per_order'),
        ),
    ]
