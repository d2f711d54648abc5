"""The leaflet's case studies, loaded by `flask kb seed` as published case studies."""

from __future__ import annotations

from sqlalchemy import select

from kb import clock
from kb.extensions import db
from kb.library.models import CaseStudy, Status
from kb.library.service import CaseStudyFields, _apply, _record_revision, fields_of

LEAFLET_CREDIT = "Local Partnerships Taskforce"


def seed_case_study(key: str, fields: CaseStudyFields) -> str:
    """Create or update one seeded case study; returns 'created', 'updated' or 'unchanged'."""
    case_study = db.session.scalar(select(CaseStudy).where(CaseStudy.seed_key == key))
    if case_study is None:
        case_study = CaseStudy(seed_key=key, credited_to=LEAFLET_CREDIT, status=Status.PUBLISHED.value,
                               created_at=clock.now(), published_at=clock.now())
        _apply(case_study, fields)
        db.session.add(case_study)
        _record_revision(case_study, None, "Loaded from the leaflet (seed_content)")
        return "created"
    if fields_of(case_study) == fields:
        return "unchanged"
    _apply(case_study, fields)
    _record_revision(case_study, None, "Updated from seed_content")
    return "updated"
