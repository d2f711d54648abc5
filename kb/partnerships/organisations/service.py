"""The rules for a partnership's map of local organisations: members read it, coordinators add,
remove and import; a CSV import is all or nothing, its bad rows reported by line."""

from __future__ import annotations

import csv
import io
from dataclasses import astuple, dataclass

from sqlalchemy import func, select

from kb.auth.models import User
from kb.partnerships.models import (
    ACTIVITY_MAX,
    AREA_MAX,
    CONTACT_ROLE_MAX,
    ORGANISATION_KINDS,
    ORGANISATION_NAME_MAX,
    WEBSITE_MAX,
    Organisation,
    Partnership,
)
from kb.partnerships.service import NotAllowed, NotFound, PartnershipError, is_coordinator
from kb.platform.csv_export import FORMULA_STARTS
from kb.platform.extensions import db
from kb.platform.text import one_line, plural
from kb.platform.vocabulary import SECTOR_LABELS

CSV_HEADER = ("name", "sector", "kind", "area", "website", "what they do", "contact role")
IMPORT_ROWS_MAX = 2_000
# A sector may be written as stored ("public body") or as shown ("Voluntary or community organisation").
SECTOR_WORDS = {
    **{value.lower(): value for value in SECTOR_LABELS},
    **{label.lower(): value.value for value, label in SECTOR_LABELS.items()},
}


class ImportRefused(PartnershipError):
    """A CSV with bad rows: nothing was imported; `problems` names each one by line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"Nothing was imported: {plural(len(problems), 'problem')} to fix first.")
        self.problems = problems


@dataclass
class OrganisationFields:
    name: str = ""
    sector: str = ""
    kind: str = ""
    area: str = ""
    website: str = ""
    activity: str = ""
    contact_role: str = ""


LIMITS = {
    "name": ORGANISATION_NAME_MAX,
    "area": AREA_MAX,
    "website": WEBSITE_MAX,
    "activity": ACTIVITY_MAX,
    "contact_role": CONTACT_ROLE_MAX,
}
NAMES = {
    "name": "the name",
    "area": "the area",
    "website": "the website",
    "activity": "what they do",
    "contact_role": "the contact role",
}


def checked(given: OrganisationFields) -> OrganisationFields:
    """The fields tidied, or PartnershipError with what to fix."""
    values = OrganisationFields(*(one_line(str(value or "")) for value in astuple(given)))
    if not values.name:
        raise PartnershipError("Enter the organisation's name.", field="organisation-name")
    for name, limit in LIMITS.items():
        if len(getattr(values, name)) > limit:
            raise PartnershipError(f"Keep {NAMES[name]} to {limit} characters or fewer.")
    values.sector = SECTOR_WORDS.get(values.sector.lower(), "")
    if not values.sector:
        raise PartnershipError(
            "Choose the sector: public body, voluntary or community organisation, social enterprise or other.",
            field="organisation-sector",
        )
    if values.kind.lower() not in ORGANISATION_KINDS:
        raise PartnershipError(
            f"Choose the kind of organisation: {', '.join(ORGANISATION_KINDS)}.", field="organisation-kind"
        )
    values.kind = values.kind.lower()
    if values.website and not values.website.lower().startswith(("http://", "https://")):
        raise PartnershipError("Give the website as an address starting with https://.", field="organisation-website")
    return values


def _require_coordinator(partnership: Partnership, by: User) -> None:
    if not is_coordinator(by, partnership):
        raise NotAllowed("Only the partnership's coordinators change its map of organisations.")


def add_organisation(partnership: Partnership, given: OrganisationFields, by: User) -> Organisation:
    _require_coordinator(partnership, by)
    organisation = Organisation(partnership_id=partnership.id, **vars(checked(given)))
    db.session.add(organisation)
    db.session.commit()
    return organisation


def remove_organisation(organisation: Organisation, by: User) -> None:
    _require_coordinator(db.session.get(Partnership, organisation.partnership_id), by)
    db.session.delete(organisation)
    db.session.commit()


def organisations_of(partnership: Partnership, sector: str = "", kind: str = "") -> list[Organisation]:
    query = select(Organisation).where(Organisation.partnership_id == partnership.id)
    if sector:
        query = query.where(Organisation.sector == sector)
    if kind:
        query = query.where(Organisation.kind == kind)
    return list(db.session.scalars(query.order_by(Organisation.name, Organisation.id)))


def counts_of(partnership: Partnership, sector: str = "", kind: str = "") -> dict[str, dict[str, int]]:
    """How many organisations each filter option would show, given the other filter."""

    def count_by(column, **other):
        query = select(column, func.count()).where(Organisation.partnership_id == partnership.id)
        for name, value in other.items():
            if value:
                query = query.where(getattr(Organisation, name) == value)
        return dict(db.session.execute(query.group_by(column)).all())

    return {"sector": count_by(Organisation.sector, kind=kind), "kind": count_by(Organisation.kind, sector=sector)}


def csv_rows(partnership: Partnership) -> list[tuple]:
    return [
        (each.name, each.sector_label, each.kind, each.area, each.website, each.activity, each.contact_role)
        for each in organisations_of(partnership)
    ]


def without_escape(cell: str) -> str:
    """A cell as it was before the export kept a formula-like start as text ("'=SUM" -> "=SUM")."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in FORMULA_STARTS and cell[1:2] else cell


def import_csv(partnership: Partnership, data: bytes, by: User) -> int:
    """Add every row of a CSV with CSV_HEADER's columns, or none: ImportRefused lists each bad row."""
    _require_coordinator(partnership, by)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(["The file is not UTF-8 text: save it from the spreadsheet as “CSV UTF-8”."]) from None
    rows = list(csv.reader(io.StringIO(text.replace("\x00", "\ufffd"))))
    if not rows or [cell.strip().lower() for cell in rows[0]] != list(CSV_HEADER):
        raise ImportRefused([f"Line 1: the first line must name the columns: {', '.join(CSV_HEADER)}."])
    if len(rows) - 1 > IMPORT_ROWS_MAX:
        raise ImportRefused([f"The file has more than {IMPORT_ROWS_MAX} organisations: split it."])
    problems, ready = [], []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(CSV_HEADER):
            problems.append(f"Line {line}: expected {len(CSV_HEADER)} columns, found {len(row)}.")
            continue
        try:
            ready.append(checked(OrganisationFields(*[without_escape(cell) for cell in row])))
        except PartnershipError as error:
            problems.append(f"Line {line}: {error}")
    if problems:
        raise ImportRefused(problems)
    if not ready:
        raise ImportRefused(["The file holds no organisations."])
    db.session.add_all(Organisation(partnership_id=partnership.id, **vars(values)) for values in ready)
    db.session.commit()
    return len(ready)


def publish_directory(partnership: Partnership, public: bool, by: User) -> None:
    """Show the map to everyone as a directory (names, sectors, kinds, areas, websites and what
    they do; never the partnership's members or its contact roles), or stop showing it."""
    _require_coordinator(partnership, by)
    partnership.directory_public = public
    db.session.commit()


def public_directory(partnership_id: int) -> Partnership:
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None or not partnership.directory_public:
        raise NotFound("There is no public directory here.")
    return partnership
