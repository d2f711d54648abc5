"""What a member can be told of, declared once each: adding a kind of notification is one member of
`Kind` here. Its declaration says what the settings page offers (the label and hint), what a mail's
subject says, how often by default, whether it also goes to the member's in-app inbox, and whether
the member may turn it off at all (an account matter, such as a suspension, may not), whether only
moderators are offered it, and how many quiet hours must pass between two mails of it sent as it
happens (work waiting for moderators: at most one an hour)."""

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
    """Each member: (key, label, hint, subject, default frequency, in the inbox too, may be turned off,
    for moderators only, quiet hours between mails sent as it happens)."""

    label: str
    hint: str
    subject: str
    default: Frequency
    in_app: bool
    optional: bool
    moderators_only: bool
    quiet_hours: int

    def __new__(
        cls,
        key: str,
        label: str,
        hint: str,
        subject: str,
        default: Frequency,
        in_app: bool = False,
        optional: bool = True,
        moderators_only: bool = False,
        quiet_hours: int = 0,
    ) -> Kind:
        member = str.__new__(cls, key)
        member._value_ = key
        member.label, member.hint, member.subject = label, hint, subject
        member.default, member.in_app, member.optional = default, in_app, optional
        member.moderators_only, member.quiet_hours = moderators_only, quiet_hours
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
    INVITATIONS = (
        "invitations",
        "Invitations to partnerships",
        "When a partnership's coordinator invites you to join it.",
        "{title}",
        Frequency.IMMEDIATE,
        True,
    )
    HEALTH_CHECKS = (
        "health_checks",
        "Health-checks in your partnerships",
        "When a round opens, a reminder before it closes if you have not answered yet, and when its results are ready.",
        "{title}",
        Frequency.IMMEDIATE,
        True,
    )
    MODERATION = (
        "moderation",
        "Work waiting for moderators",
        "When something is submitted for review, a post is held for approval or a post is reported. "
        "As it happens, at most one email an hour.",
        "Waiting for moderators: {title}",
        Frequency.DAILY,
        False,
        True,
        True,
        1,
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
        """The kinds members choose how often to hear of, in the settings page's order."""
        return [kind for kind in cls if kind.optional]

    @classmethod
    def offered_to(cls, is_moderator: bool) -> list[Kind]:
        """The kinds one member is asked about: those for moderators only to moderators."""
        return [kind for kind in cls.chosen_by_members() if is_moderator or not kind.moderators_only]
