"""Telling members things, in one package: the in-app inbox and email (at once or in a digest).
Features call `tell(member, kind, ...)`; the kind's declaration (kinds.py) and the member's choices
decide where it goes. The pages (the inbox, the settings, unsubscribing) and the digests are the
notifications feature's, in kb/notifications."""

from kb.platform.notifications.kinds import Frequency, Kind
from kb.platform.notifications.telling import Letter, tell, tell_many

__all__ = ["Frequency", "Kind", "Letter", "tell", "tell_many"]
