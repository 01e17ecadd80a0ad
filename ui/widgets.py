"""Form widgets shared by the apps."""

from django import forms

from .timezones import utc_offset, zone_label


class ZonedDateTimeInput(forms.DateTimeInput):
    """A datetime-local box with the plant's zone next to it ("北京时间 (UTC+8)"): what is typed
    is read in that zone (settings.TIME_ZONE), not in the browser's."""

    input_type = "datetime-local"
    template_name = "ui/widgets/zoned_datetime.html"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        zone_id = f"{widget_attrs.get('id') or name}-zone"
        described = widget_attrs.get("aria-describedby", "")
        widget_attrs["aria-describedby"] = f"{described} {zone_id}".strip()
        context["zone"] = {"id": zone_id, "label": zone_label(), "offset": utc_offset()}
        return context
