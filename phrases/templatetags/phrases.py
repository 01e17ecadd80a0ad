from django import template

from ..techniques import TECHNIQUES

register = template.Library()


@register.inclusion_tag("phrases/_prompts.html")
def technique_prompts(*keys) -> dict:
    """`{% technique_prompts "listen" "acknowledge" %}` (or one list of keys, e.g. a form's
    `prompts`): the guide's prompts for this part of a call, folded (no queries)."""
    flat = [k for key in keys for k in ([key] if isinstance(key, str) else key)]
    return {"techniques": [TECHNIQUES[k] for k in flat]}
