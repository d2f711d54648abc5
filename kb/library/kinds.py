"""How each kind of library item appears on the site: its URLs, names and templates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.library.models import ADDRESS_PREFIX, Kind, LibraryItem


@dataclass(frozen=True)
class KindPages:
    kind: Kind
    key: str  # endpoint suffix and template name
    prefix: str  # first part of the URL
    singular: str
    plural: str
    # The kind's list pages, by their endpoints, written out so templates name them as they are.
    index: str
    new: str
    export: str

    def count(self, number: int) -> str:
        return f"{number} {self.singular if number == 1 else self.plural}"


CASE_STUDIES = KindPages(
    Kind.CASE_STUDY,
    "case_study",
    ADDRESS_PREFIX[Kind.CASE_STUDY],
    "case study",
    "case studies",
    index="library.index_case_study",
    new="library.new_case_study",
    export="library.export_case_study",
)
LESSONS = KindPages(
    Kind.LESSON,
    "lesson",
    ADDRESS_PREFIX[Kind.LESSON],
    "lesson",
    ADDRESS_PREFIX[Kind.LESSON],
    index="library.index_lesson",
    new="library.new_lesson",
    export="library.export_lesson",
)
ALL_KINDS = (CASE_STUDIES, LESSONS)
BY_KIND = {pages.kind.value: pages for pages in ALL_KINDS}
BY_PREFIX = {pages.prefix: pages for pages in ALL_KINDS}
# The first part of any item's address, for patterns that read a pasted address: "case-studies|lessons".
ADDRESS_PREFIXES = "|".join(re.escape(pages.prefix) for pages in ALL_KINDS)


def pages_for(item: LibraryItem) -> KindPages:
    return BY_KIND[item.kind]
