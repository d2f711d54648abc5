"""The five themes of the leaflet's checklist, and the leaflet's other content."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.platform.extensions import db

# The leaflet's five areas for action, in its order. Slugs are part of public URLs: never change them.
THEME_SLUGS = (
    "improving-understanding",
    "joining-up-policy",
    "organising-ourselves",
    "sharing-good-practice",
    "funding-it-better",
)


class Theme(db.Model):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(200))
    aim: Mapped[str] = mapped_column(Text)
    # Set once moderators change the theme's resources: the seed then leaves them as they are.
    resources_curated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    checklist: Mapped[list[ChecklistPair]] = relationship(
        back_populates="theme", order_by="ChecklistPair.position", cascade="all, delete-orphan"
    )
    supporting_actions: Mapped[list[SupportingAction]] = relationship(
        back_populates="theme", order_by="SupportingAction.position", cascade="all, delete-orphan"
    )
    resources: Mapped[list[ThemeResource]] = relationship(
        back_populates="theme", order_by="ThemeResource.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"


class ChecklistPair(db.Model):
    """One Do with its matching Don't: the leaflet lists them as pairs."""

    __tablename__ = "checklist_pairs"
    __table_args__ = (UniqueConstraint("theme_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    do_text: Mapped[str] = mapped_column(Text)
    dont_text: Mapped[str] = mapped_column(Text)

    theme: Mapped[Theme] = relationship(back_populates="checklist")


class SupportingAction(db.Model):
    __tablename__ = "supporting_actions"
    __table_args__ = (UniqueConstraint("theme_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(Text)
    owners: Mapped[list[str]] = mapped_column(JSON, default=list)

    theme: Mapped[Theme] = relationship(back_populates="supporting_actions")


class ThemeResource(db.Model):
    """Further reading signposted from a theme page ("where can I find more information?")."""

    __tablename__ = "theme_resources"
    __table_args__ = (UniqueConstraint("theme_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(1000))
    publisher: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(500))
    # Retired resources leave the theme page but stay listed for moderators, who can bring them back.
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    theme: Mapped[Theme] = relationship(back_populates="resources")


class Fact(db.Model):
    """A "Did you know...?" fact."""

    __tablename__ = "facts"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, unique=True)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(300))


class TaskforceOrganisation(db.Model):
    """An organisation that drew up the checklist, or whose logo heads the leaflet."""

    __tablename__ = "taskforce_organisations"
    __table_args__ = (UniqueConstraint("role", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(20))  # "member" or "publisher"
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))


class SiteText(db.Model):
    """A named piece of text from seed_content, such as the leaflet's foreword (Markdown)."""

    __tablename__ = "site_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    value: Mapped[str] = mapped_column(Text)
