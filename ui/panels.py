"""Cards that one app shows on another app's record page, without the two importing each
other (e.g. accounting's quality disputes on a complaint ticket's page).

An app registers `register_panel("tickets.ticket", render)` in its AppConfig.ready(), where
`render(request, obj) -> str` returns HTML ("" to show nothing). The page's view asks
for all panels of its record with `render_panels(request, obj)` and the template prints them.

A panel that reads the database says what it reads: `register_panel(label, render,
reads=reads)` with `reads(request, obj) -> {name: queryset}` (only what this user will be
shown; {} for nothing), and then `render(request, obj, rows)` gets `{name: list of rows}`.
The page fetches every panel's reads with its own in one round trip (`panel_reads`, then
`render_panels(…, rows=…)`, ui.batch); without `rows` each panel's reads run by themselves.
A read whose SQL differs only by the record's id is `ui.batch.prepared_rows(key, build,
record)`: its SQL is compiled once per process, not on every page view.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from .batch import fetch_together

Renderer = Callable[..., str]
Reads = Callable[[HttpRequest, models.Model], dict[str, QuerySet]]


@dataclass(frozen=True)
class _Panel:
    render: Renderer
    reads: Reads | None


_PANELS: dict[str, list[_Panel]] = {}


def register_panel(model_label: str, render: Renderer, reads: Reads | None = None) -> None:
    """`model_label`: the record's model ("tickets.ticket"), or a place named by the page
    that shows it ("tickets.my_work", rendered with the signed-in user as the record)."""
    panels = _PANELS.setdefault(model_label.lower(), [])
    if all(p.render is not render for p in panels):
        panels.append(_Panel(render, reads))


def panel_reads(request: HttpRequest, obj: models.Model, place: str = "") -> dict[tuple[int, str], QuerySet]:
    """Every panel's reads for this record, keyed (panel, name), for the page to fetch with its own."""
    key = place or obj._meta.label_lower
    reads = {}
    for i, panel in enumerate(_PANELS.get(key, [])):
        if panel.reads:
            reads.update({(i, name): qs for name, qs in panel.reads(request, obj).items()})
    return reads


def render_panels(
    request: HttpRequest, obj: models.Model, place: str = "", rows: dict | None = None
) -> list[str]:
    """The record's panels (or a named place's), each rendered by its app's template (safe
    strings: render_to_string). `rows`: what panel_reads' querysets returned."""
    key = place or obj._meta.label_lower
    if rows is None:
        rows = fetch_together(panel_reads(request, obj, place))
    html = []
    for i, panel in enumerate(_PANELS.get(key, [])):
        if panel.reads:
            mine = {name: value for (j, name), value in rows.items() if j == i}
            text = panel.render(request, obj, mine)
        else:
            text = panel.render(request, obj)
        if text:
            html.append(text)
    return html
