"""What a member can be told of, declared once each: adding a kind of notification is one member of
`Kind` here. Its declaration says what the settings page offers (the label and hint), what a mail's
subject says, how often by default, whether it also goes to the member's in-app inbox, and whether
the member may turn it off at all (an account matter, such as a suspension, may not)."""

from __future__ import annotations

from enum import StrEnum


class Frequency(StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


FREQUENCY_LABELS = {
    Frequency.IMMEDIATE: "As it happens: one email each time",
    Frequency.DAILY: "In a daily digest",
    Frequency.WEEKLY: "In a weekly digest",
    Frequency.OFF: "Off: no email",
}


class Kind(StrEnum):
    """Each member: (key, label, hint, subject, default frequency, in the inbox too, may be turned off)."""

    label: str
    hint: str
    subject: str
    default: Frequency
    in_app: bool
    optional: bool

    def __new__(
        cls,
        key: str,
        label: str,
        hint: str,
        subject: str,
        default: Frequency,
        in_app: bool = False,
        optional: bool = True,
    ) -> Kind:
        member = str.__new__(cls, key)
        member._value_ = key
        member.label, member.hint, member.subject = label, hint, subject
        member.default, member.in_app, member.optional = default, in_app, optional
        return member

    # Quiet by default: nobody is mailed each time unless they ask.
    REPLIES = (
        "replies",
        "Replies in threads you watch",
        "When someone else's reply is published in a discussion you started, replied to or chose to watch.",
        "New reply in “{title}”",
        Frequency.DAILY,
    )
    DECISIONS = (
        "decisions",
        "Moderators' decisions on your case studies, lessons and posts",
        "When a moderator publishes, sends back, declines, archives or hides something you wrote.",
        "A moderator’s decision on “{title}”",
        Frequency.DAILY,
        True,
    )
    CASE_STUDIES = (
        "case_studies",
        "New case studies on the themes you choose",
        "When a case study is published on one of the themes you tick below.",
        "New case study: “{title}”",
        Frequency.WEEKLY,
    )
    # Suspended, or free to post again: told in the inbox and mailed at once to a verified address,
    # whatever the member chose, since it changes what they can do on the site.
    ACCOUNT = (
        "account",
        "Your account",
        "Changes to what your account may do.",
        "{title}",
        Frequency.IMMEDIATE,
        True,
        False,
    )

    @classmethod
    def chosen_by_members(cls) -> list[Kind]:
        """The kinds a member chooses how often to hear of, in the settings page's order."""
        return [kind for kind in cls if kind.optional]
