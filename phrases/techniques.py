"""The guide's five techniques for a customer on the phone (procedure §4, docs/tickets.md), as
short prompts shown beside the fields where each one is used. Words, not data: translated."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Technique:
    key: str
    title: str
    advice: str
    say: tuple[str, ...]  # example sentences


TECHNIQUES = {
    t.key: t
    for t in [
        Technique(
            "listen",
            _("Listen first"),
            _("Hear the tone as well as the words; note the customer's own words, then clarify."),
            (_('"Let me check I have understood you correctly: …"'),),
        ),
        Technique(
            "acknowledge",
            _("Acknowledge the feeling"),
            _("Anger is not aimed at you. Say you understand before you explain anything."),
            (_('"I am sorry this has caused you trouble; I fully understand how you feel."'),),
        ),
        Technique(
            "when",
            _("Ask 'when' questions"),
            _("An angry caller cannot solve problems yet: 'when' questions take the heat out."),
            (
                _('"When did you first notice that we had not solved this in time?"'),
                _('"One moment, let me ask my manager how else we can solve this."'),
            ),
        ),
        Technique(
            "help",
            _("Offer help and choices"),
            _("Say you want to help, and give the customer a choice of solutions."),
            (_('"Let me see how I can help you; I am glad to solve this for you."'),),
        ),
        Technique(
            "promise",
            _("Promise only what can be kept"),
            _(
                "If you are not sure, do not promise a result: promise a time to call back, and "
                "call by then even if only to report progress and agree a new time."
            ),
            (_('"I need a little time to find the right solution; I will call you back by …"'),),
        ),
    ]
}
