"""Partnerships and their annual health-check against the leaflet's checklist (issue 13)."""

from flask import Blueprint

from kb.partnerships import erasure
from kb.partnerships.personal_data import partnerships
from kb.platform.erasure import Eraser
from kb.platform.features import Feature
from kb.platform.personal_data import Part

bp = Blueprint("partnerships", __name__)

FEATURE = Feature(
    "partnerships",
    bp,
    # A member's data download holds their memberships, invitations and their own health-check answers.
    personal_data=(Part("partnerships", "Your partnerships and health-checks", partnerships),),
    # Deleting an account: memberships go; health-check answers stay counted, tied to nobody.
    eraser=Eraser("partnerships", erasure.erase, erasure.reason_to_wait),
)

# The routes attach themselves to bp.
from kb.partnerships import views  # noqa: E402,F401,I001
from kb.partnerships.actions import views as action_views  # noqa: E402,F401,I001
from kb.partnerships.organisations import views as organisation_views  # noqa: E402,F401,I001
from kb.partnerships.results import views as report_views  # noqa: E402,F401,I001
