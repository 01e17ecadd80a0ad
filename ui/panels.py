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
    renderers = _PANELS.setdefault(model_label.lower(), [])
    if render not in renderers:
        renderers.append(render)


def render_panels(request: HttpRequest, obj: models.Model) -> list[str]:
    """The record's panels, each rendered by its app's template (safe strings: render_to_string)."""
    return [html for render in _PANELS.get(obj._meta.label_lower, []) if (html := render(request, obj))]
