"""Every page carries the Content-Security-Policy: scripts from our own files only."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy(client):
    policy = client.get("/login/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self' 'unsafe-eval'"  # htmx trigger filters; no inline
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


def test_no_template_has_an_inline_script_or_handler():
    root = Path(__file__).resolve().parents[2]
    templates = [p for p in root.glob("**/templates/**/*.html") if ".venv" not in p.parts]
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=\"", re.IGNORECASE)
    offenders = [str(p.relative_to(root)) for p in templates if inline.search(p.read_text())]
    assert templates and not offenders
