"""Email notifications: what each member asks to be told by mail (replies in threads they watch,
moderators' decisions on their work, new case studies on themes they chose) and how often; the
digests; and the unsubscribe links every notification carries. Features report events through
kb.notifications.service; the settings page sits among the account pages."""

from flask import Blueprint

from kb.notifications.personal_data import PARTS
from kb.platform.features import Feature

bp = Blueprint("notifications", __name__)

# The member's data download holds their inbox, their choices and the items waiting for their digest.
FEATURE = Feature("notifications", bp, personal_data=PARTS)

from kb.notifications import views  # noqa: E402,F401  (routes attach themselves to bp)
