"""Every fixed word a reader sees that the knowledge base does not supply.

Keyed by message id and language (en-GB, en-US), so renderers and templates
never hold literal wording: they take labels from the Brief, which compose
fills from here.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "frame.contact": {"en-GB": "Contact", "en-US": "Contact"},
    "frame.facts-dated": {"en-GB": "Facts dated", "en-US": "Facts dated"},
    "frame.currency": {"en-GB": "Currency", "en-US": "Currency"},
    "frame.out-of-date-note": {
        "en-GB": "{count} of the facts below are out of date or past their review date; each is marked “out of date”.",
        "en-US": "{count} of the facts below are out of date or past their review date; each is marked “out of date.”"},
    "frame.out-of-date": {"en-GB": "out of date", "en-US": "out of date"},
    "frame.summary": {"en-GB": "The meeting at a glance", "en-US": "The meeting at a glance"},
    "frame.objective": {"en-GB": "Objective", "en-US": "Objective"},
    "frame.agenda": {"en-GB": "Agenda", "en-US": "Agenda"},
    "frame.attendees.ours": {"en-GB": "Our side", "en-US": "Our side"},
    "frame.attendees.theirs": {"en-GB": "Their side", "en-US": "Their side"},
    "frame.attendees.host": {"en-GB": "Host", "en-US": "Host"},
    "frame.attendees.other": {"en-GB": "Also present", "en-US": "Also present"},
    "frame.logistics.time": {"en-GB": "Time", "en-US": "Time"},
    "frame.logistics.place": {"en-GB": "Place", "en-US": "Place"},
    "frame.logistics.interpretation": {"en-GB": "Interpretation", "en-US": "Interpretation"},
    "frame.positions": {"en-GB": "Their known positions", "en-US": "Their known positions"},
    "frame.commitments": {"en-GB": "Previous commitments", "en-US": "Previous commitments"},
    # Protective markings: one short word in the banner, the handling rule on its own line.
    "frame.banner.public": {"en-GB": "PUBLIC", "en-US": "PUBLIC"},
    "frame.banner.restricted": {"en-GB": "RESTRICTED", "en-US": "RESTRICTED"},
    "frame.banner.confidential": {"en-GB": "CONFIDENTIAL", "en-US": "CONFIDENTIAL"},
    "frame.handling.restricted": {"en-GB": "Not for onward distribution.", "en-US": "Not for onward distribution."},
    "frame.handling.confidential": {"en-GB": "Named recipients only. Do not copy or forward.",
                                    "en-US": "Named recipients only. Do not copy or forward."},
    "frame.prepared-for": {"en-GB": "Prepared for {recipient}", "en-US": "Prepared for {recipient}"},
    "frame.copy": {"en-GB": "Copy {number}", "en-US": "Copy {number}"},
    "frame.provenance": {"en-GB": "KB {revision} · generator {version}",
                         "en-US": "KB {revision} · generator {version}"},
}


def label(key: str, language: str) -> str:
    """The wording of `key` in `language`; a missing key is a bug, not user input."""
    return LABELS[key][language]
