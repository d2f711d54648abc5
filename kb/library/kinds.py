"""How each kind of library item appears on the site: its URLs, names and templates."""

from __future__ import annotations

from dataclasses import dataclass

from kb.library.models import Kind, LibraryItem


@dataclass(frozen=True)
class KindPages:
    kind: Kind
    key: str  # endpoint suffix and template name
    prefix: str  # first part of the URL
    singular: str
    plural: str

    def count(self, number: int) -> str:
        return f"{number} {self.singular if number == 1 else self.plural}"


CASE_STUDIES = KindPages(Kind.CASE_STUDY, "case_study", "case-studies", "case study", "case studies")
LESSONS = KindPages(Kind.LESSON, "lesson", "lessons", "lesson", "lessons")
ALL_KINDS = (CASE_STUDIES, LESSONS)
BY_KIND = {pages.kind.value: pages for pages in ALL_KINDS}


def pages_for(item: LibraryItem) -> KindPages:
    return BY_KIND[item.kind]
