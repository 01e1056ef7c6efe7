"""Who a generated report is from: the Decree 30/2020 frame (issuer, number, place, signer).

The issuing office's reports go out in the People's Committee's name (``issuer.name``), signed as
the settings say; an agency's report in the agency's name under the People's Committee. Generated
reports are drafts for the registry: the number is left blank and the signer may be changed in the
DOCX before it is signed.

Settings (all optional): ``issuer.place`` (default: the province in ``issuer.name``),
``reports.signer_name``, ``reports.signer_capacity`` (lines separated by ``|``, default
``TM. ỦY BAN NHÂN DÂN|CHỦ TỊCH``), ``reports.recipients`` (``|``-separated).
"""

from __future__ import annotations

from ..organizations.models import Agency
from .model import Letterhead

_COMMITTEE = "ủy ban nhân dân"
DEFAULT_CAPACITY = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
DEFAULT_RECIPIENTS = (
    "Thường trực Tỉnh ủy (để b/c);",
    "Thường trực HĐND tỉnh (để b/c);",
    "Chủ tịch, các PCT UBND tỉnh;",
    "Các sở, ban, ngành tỉnh;",
    "UBND các huyện, thị xã, thành phố;",
    "Lưu: VT.",
)
AGENCY_RECIPIENTS = ("UBND tỉnh (qua Văn phòng UBND tỉnh);", "Lưu: VT.")


def _split_committee(name: str) -> str:
    """"Ủy ban nhân dân tỉnh Hưng Yên" → "ỦY BAN NHÂN DÂN\\nTỈNH HƯNG YÊN" (how the header breaks it)."""
    if name.casefold().startswith(_COMMITTEE) and len(name) > len(_COMMITTEE):
        return name[: len(_COMMITTEE)].upper() + "\n" + name[len(_COMMITTEE):].strip().upper()
    return name.upper()


def place_of(issuer_name: str) -> str:
    """The place line's place: "Hưng Yên" from "Ủy ban nhân dân tỉnh Hưng Yên"."""
    for word in ("thành phố ", "tỉnh "):
        index = issuer_name.casefold().rfind(word)
        if index >= 0:
            return issuer_name[index + len(word):].strip()
    return issuer_name


def _lines(value: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if not value:
        return default
    return tuple(line.strip() for line in value.split("|") if line.strip())


def office_letterhead(settings: dict) -> Letterhead:
    issuer = settings.get("issuer.name") or "Ủy ban nhân dân tỉnh"
    return Letterhead(
        issuer_name=_split_committee(issuer),
        place=settings.get("issuer.place") or place_of(issuer),
        signer_name=settings.get("reports.signer_name") or "",
        signer_capacity=_lines(settings.get("reports.signer_capacity"), DEFAULT_CAPACITY),
        symbol="BC-UBND",
        recipients=_lines(settings.get("reports.recipients"), DEFAULT_RECIPIENTS),
    )


def _capacity(agency: Agency) -> tuple[str, ...]:
    kind = agency.kind.code if agency.kind is not None else ""
    if kind == "department":
        return ("GIÁM ĐỐC",)
    if kind in ("district", "commune", "people_committee"):
        return ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    return ("THỦ TRƯỞNG CƠ QUAN",)


def agency_letterhead(settings: dict, agency: Agency, signer_name: str = "") -> Letterhead:
    issuer = settings.get("issuer.name") or "Ủy ban nhân dân tỉnh"
    committee = agency.kind is not None and agency.kind.code in ("district", "commune")
    return Letterhead(
        issuer_name=_split_committee(agency.name) if committee else agency.name.upper(),
        issuer_parent=None if committee else issuer.upper(),
        place=settings.get("issuer.place") or place_of(issuer),
        signer_name=signer_name,
        signer_capacity=_capacity(agency),
        symbol=f"BC-{agency.code}",
        recipients=AGENCY_RECIPIENTS,
    )


def letterhead_for(settings: dict, viewer) -> Letterhead:
    """The office's letterhead for the issuing office; an agency user's agency's otherwise (signed
    by the user when they head it)."""
    if viewer.all_agencies:
        return office_letterhead(settings)
    user = viewer.user
    return agency_letterhead(settings, user.agency, user.full_name if user.has_role("agency_head") else "")
