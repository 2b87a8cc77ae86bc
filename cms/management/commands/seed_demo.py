"""The whole demo, layer by layer (supervision, then assessment and the inspection item list, then the public site)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from assessment.demo import seed_bank, seed_plan
from cms.demo import seed_inspection_results, seed_past_round, seed_site
from inspection.demo import seed_inspection_plan
from inspection.services.items import items_load
from supervision.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create (or refresh) the demo data and print the demo logins. Safe to run again."

    def handle(self, *args, **options):
        logins = seed_demo()
        seed_bank()
        items_load(actor=None)
        tickets = seed_plan()
        inspection_plan = seed_inspection_plan()
        seed_site()
        seed_past_round()
        seed_inspection_results(inspection_plan)
        self.stdout.write(self.style.SUCCESS(_("Demo data ready. Console: http://127.0.0.1:8000/admin/")))
        self.stdout.write(_("Demo logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD})
        for username, role, place in logins:
            self.stdout.write(f"  {username:<20} {role:<8} {place}")
        self.stdout.write(_("Demo exam tickets (session open now; log in at http://127.0.0.1:8000/exam/):"))
        for number, code, name, unit in tickets:
            self.stdout.write(f"  {number}  {code}  {name}  {unit}")
