import datetime

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from . import calendar
from .models import PlantDay, WorkingPeriod


@admin.register(WorkingPeriod)
class WorkingPeriodAdmin(admin.ModelAdmin):
    list_display = ("weekday", "start", "end")
    list_editable = ("start", "end")
    list_display_links = ("weekday",)
    list_filter = ("weekday",)


@admin.register(PlantDay)
class PlantDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name",)

    def changelist_view(self, request, extra_context=None):
        # The national holidays of a year the library does not know must be entered here.
        first, last = calendar.library_years()
        this_year = datetime.date.today().year
        for year in (this_year, this_year + 1):
            if not calendar.library_knows(year):
                self.message_user(
                    request,
                    _(
                        "The holiday library knows the years %(first)s–%(last)s only. Enter %(year)s's "
                        "public holidays as days off and its make-up working days (调休) as working days."
                    )
                    % {"first": first, "last": last, "year": year},
                    messages.WARNING,
                )
        return super().changelist_view(request, extra_context)
