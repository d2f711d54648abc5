"""Partnerships and their annual health-check against the leaflet's checklist (issue 13)."""

from flask import Blueprint

from kb.partnerships import erasure
from kb.partnerships.personal_data import partnerships
from kb.platform.erasure import register_eraser
from kb.platform.personal_data import register_part

bp = Blueprint("partnerships", __name__)
# A member's data download holds their memberships, invitations and their own health-check answers.
bp.record_once(lambda state: register_part("partnerships", "Your partnerships and health-checks", partnerships))
# Deleting an account: memberships go; health-check answers stay counted, tied to nobody.
bp.record_once(lambda state: register_eraser("partnerships", erasure.erase, erasure.reason_to_wait))

# The routes attach themselves to bp.
from kb.partnerships import views  # noqa: E402,F401,I001
from kb.partnerships.actions import views as action_views  # noqa: E402,F401,I001
from kb.partnerships.organisations import views as organisation_views  # noqa: E402,F401,I001
from kb.partnerships.results import views as report_views  # noqa: E402,F401,I001
