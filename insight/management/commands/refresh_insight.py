"""Bring the quality dashboards' summary tables up to date now (beat does it every few minutes)."""

from django.core.management.base import BaseCommand

from insight.services import refresh_summaries


class Command(BaseCommand):
    help = "Refresh the summary tables behind the cost, time-in-step figures (docs/insight.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--full", action="store_true", help="recompute every ticket, not only the changed"
        )

    def handle(self, *args, full: bool = False, **options):
        record = refresh_summaries(full=full)
        self.stdout.write(
            f"{record.tickets} tickets recomputed in {record.seconds:.1f} s, data as of {record.as_of}"
        )
