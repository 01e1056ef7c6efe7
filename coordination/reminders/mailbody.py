"""The body of a mail as a structure, rendered twice: HTML (a Chameleon template) and plain text.

One structure for both parts keeps the two from saying different things.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from chameleon import PageTemplateLoader

from ..paths import TEMPLATES


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    strong: bool = False


@dataclass(frozen=True)
class Item:
    title: str
    detail: str = ""
    url: str | None = None
    urgent: bool = False


@dataclass
class Section:
    title: str
    items: list[Item] = field(default_factory=list)
    more: str | None = None  # "… and 12 more" with where to see them


@dataclass
class MailContent:
    subject: str
    issuer: str
    greeting: str = ""
    paragraphs: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    action: tuple[str, str] | None = None  # (label, url)
    footer: str = ""
    urgent: bool = False


@lru_cache(maxsize=1)
def _loader() -> PageTemplateLoader:
    return PageTemplateLoader(str(TEMPLATES / "reminders" / "mail"), encoding="utf-8")


def render_html(content: MailContent) -> str:
    return _loader()["message.pt"](content=content)


def render_text(content: MailContent) -> str:
    lines: list[str] = []
    if content.greeting:
        lines += [content.greeting, ""]
    for paragraph in content.paragraphs:
        lines += [paragraph, ""]
    for fact in content.facts:
        lines.append(f"- {fact.label}: {fact.value}")
    if content.facts:
        lines.append("")
    for section in content.sections:
        lines += [f"{section.title.upper()} ({len(section.items)})", ""]
        for number, item in enumerate(section.items, 1):
            lines.append(f"{number}. {item.title}")
            if item.detail:
                lines.append(f"   {item.detail}")
            if item.url:
                lines.append(f"   {item.url}")
        if section.more:
            lines.append(section.more)
        lines.append("")
    if content.action:
        label, url = content.action
        lines += [f"{label}: {url}", ""]
    if content.footer:
        lines += ["-- ", content.footer]
    return "\n".join(lines).rstrip() + "\n"


def render(content: MailContent) -> tuple[str, str, str]:
    """(subject, plain text, HTML)."""
    return content.subject, render_text(content), render_html(content)
