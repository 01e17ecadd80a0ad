"""Cards that one app shows on another app's record page, without the two importing each
other (e.g. accounting's quality disputes on a complaint ticket's page).

An app registers `register_panel("tickets.ticket", render)` in its AppConfig.ready(), where
`render(request, obj) -> str` returns HTML ("" to show nothing). The page's view asks
for all panels of its record with `render_panels(request, obj)` and the template prints them.
"""

from collections.abc import Callable

from django.db import models
from django.http import HttpRequest

Renderer = Callable[[HttpRequest, models.Model], str]
_PANELS: dict[str, list[Renderer]] = {}


def register_panel(model_label: str, render: Renderer) -> None:
    """`model_label`: the record's model ("tickets.ticket"), or a place named by the page
    that shows it ("tickets.my_work", rendered with the signed-in user as the record)."""
    renderers = _PANELS.setdefault(model_label.lower(), [])
    if render not in renderers:
        renderers.append(render)


def render_panels(request: HttpRequest, obj: models.Model, place: str = "") -> list[str]:
    """The record's panels (or a named place's), each rendered by its app's template (safe
    strings: render_to_string)."""
    key = place or obj._meta.label_lower
    return [html for render in _PANELS.get(key, []) if (html := render(request, obj))]
