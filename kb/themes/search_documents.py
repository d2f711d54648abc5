"""The leaflet's own advice in search: each theme's aim, every Do/Don't pair, every supporting action
and every reading-list resource is a search document of the type "checklist", linking to its own
place on the theme page. Registered with the search package like the library's items, so the same
outbox follows every change (a moderator's edit to a reading list, a resource retired)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sqlalchemy import func, select

from kb.platform.extensions import db
from kb.search.documents import PUBLIC, DocumentProvider, SearchDocument
from kb.themes.models import ChecklistPair, SupportingAction, Theme, ThemeResource

CHECKLIST = "checklist"
LABELS = {CHECKLIST: "The checklist"}


def theme_anchor(theme: Theme, anchor: str) -> str:
    """The address of one part of a theme's page; the page gives each part this id."""
    return f"/themes/{theme.slug}#{anchor}"


def checklist_document(
    doc_id: str, theme: Theme, title: str, url: str, summary: str = "", body: str = ""
) -> SearchDocument:
    return SearchDocument(
        doc_id=doc_id,
        content_type=CHECKLIST,
        title=title,
        url=url,
        visibility=PUBLIC,
        summary=summary,
        body=body,
        themes=[theme.slug],
    )


def aim_document(theme_id: int) -> SearchDocument | None:
    theme = db.session.get(Theme, theme_id)
    if theme is None:
        return None
    return checklist_document(
        f"theme_aim:{theme.id}",
        theme,
        f"The aim of “{theme.title}”",
        theme_anchor(theme, "aim"),
        summary=theme.aim,
        body=theme.summary,
    )


def pair_document(pair_id: int) -> SearchDocument | None:
    pair = db.session.get(ChecklistPair, pair_id)
    if pair is None:
        return None
    return checklist_document(
        f"checklist_pair:{pair.id}",
        pair.theme,
        f"Do: {pair.do_text}",
        theme_anchor(pair.theme, f"checklist-{pair.id}"),
        summary=f"Don't: {pair.dont_text}",
        body=f"{pair.theme.title}: a Do and a Don't from the checklist for local practitioners.",
    )


def action_document(action_id: int) -> SearchDocument | None:
    action = db.session.get(SupportingAction, action_id)
    if action is None:
        return None
    owners = ", ".join(action.owners or [])
    return checklist_document(
        f"supporting_action:{action.id}",
        action.theme,
        action.action,
        theme_anchor(action.theme, f"action-{action.id}"),
        summary=f"A supporting action for {owners}." if owners else "A supporting action.",
        body=action.theme.title,
    )


def resource_document(resource_id: int) -> SearchDocument | None:
    resource = db.session.get(ThemeResource, resource_id)
    if resource is None or resource.retired:
        return None  # a retired resource leaves the index with the reading list
    about = " ".join(part for part in (resource.publisher, resource.description) if part)
    return checklist_document(
        f"theme_resource:{resource.id}",
        resource.theme,
        resource.title,
        theme_anchor(resource.theme, f"resource-{resource.id}"),
        summary=about,
        body=f"Further reading on {resource.theme.title}.",
    )


def provider(key_prefix: str, model: type, document: Callable[[int], SearchDocument | None]) -> DocumentProvider:
    def all_ids() -> Iterator[int]:
        return iter(db.session.scalars(select(model.id).order_by(model.id)).all())

    def count_by_type() -> dict[str, int]:
        query = select(func.count(model.id))
        if model is ThemeResource:
            query = query.where(ThemeResource.retired.is_(False))
        return {CHECKLIST: db.session.scalar(query)}

    return DocumentProvider(
        key_prefix=key_prefix, model=model, document=document, all_ids=all_ids, count_by_type=count_by_type
    )


PROVIDERS = (
    provider("theme_aim", Theme, aim_document),
    provider("checklist_pair", ChecklistPair, pair_document),
    provider("supporting_action", SupportingAction, action_document),
    provider("theme_resource", ThemeResource, resource_document),
)


def theme_titles() -> dict[str, str]:
    return dict(db.session.execute(select(Theme.slug, Theme.title)).all())
