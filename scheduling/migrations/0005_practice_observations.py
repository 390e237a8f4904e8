# Practice observations: a chair (the contact) and family consent on meetings, the chair on
# released rows, and the "observation" meeting group.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0003_history'),
        ('scheduling', '0004_bookings'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalmeeting',
            name='chair',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='inspections.person'),
        ),
        migrations.AddField(
            model_name='historicalmeeting',
            name='family_consent',
            field=models.CharField(choices=[('not_needed', 'Not needed: no family present'), ('to_ask', 'Still to ask'), ('given', 'Given'), ('refused', 'Refused')], default='not_needed', help_text='For an observed meeting with a family present: did they agree?', max_length=16),
        ),
        migrations.AddField(
            model_name='meeting',
            name='chair',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='chaired_meetings', to='inspections.person'),
        ),
        migrations.AddField(
            model_name='meeting',
            name='family_consent',
            field=models.CharField(choices=[('not_needed', 'Not needed: no family present'), ('to_ask', 'Still to ask'), ('given', 'Given'), ('refused', 'Refused')], default='not_needed', help_text='For an observed meeting with a family present: did they agree?', max_length=16),
        ),
        migrations.AddField(
            model_name='releasemeeting',
            name='chair',
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AlterField(
            model_name='meetingtype',
            name='group',
            field=models.CharField(choices=[('fieldwork', 'Fieldwork'), ('leadership', 'Leadership'), ('kit', 'Keeping in touch'), ('setup', 'Set-up and calls'), ('internal', 'Council internal'), ('observation', 'Practice observation')], max_length=16),
        ),
    ]
