"""The regions and sectors that members, case studies and search filters all speak of."""

from __future__ import annotations

from enum import StrEnum

from wtforms.fields.choices import SelectChoice


class Sector(StrEnum):
    PUBLIC_BODY = "public body"
    VOLUNTARY_OR_COMMUNITY = "voluntary or community organisation"
    SOCIAL_ENTERPRISE = "social enterprise"
    OTHER = "other"


SECTOR_LABELS = {
    Sector.PUBLIC_BODY: "Public body",
    Sector.VOLUNTARY_OR_COMMUNITY: "Voluntary or community organisation",
    Sector.SOCIAL_ENTERPRISE: "Social enterprise",
    Sector.OTHER: "Other",
}

# The UK nations and the nine English regions, in the order people expect to find them.
REGIONS = (
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Scotland",
    "Wales",
    "Northern Ireland",
)

SECTOR_CHOICES = [SelectChoice(sector.value, label) for sector, label in SECTOR_LABELS.items()]
REGION_CHOICES = [SelectChoice("", "Choose your region")] + [SelectChoice(region) for region in REGIONS]
