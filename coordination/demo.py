"""The demo province: Hưng Yên's People's Committee, its departments, partner agencies, press,
ten district-level units, the usual groups and one user per role. Loading it twice changes nothing.

Names follow the seed directives (seed 001 is Hưng Yên's Công văn 1324/UBND-KGVX).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .accounts import services as accounts
from .accounts.models import User
from .directives.models import DirectiveType
from .organizations.models import Agency, AgencyGroup, AgencyKind

PROVINCE = "Hưng Yên"

KINDS = [
    # code, name, level
    ("central", "Cơ quan trung ương", 0),
    ("people_committee", "Ủy ban nhân dân", 1),
    ("office", "Văn phòng Ủy ban nhân dân", 2),
    ("department", "Sở, ban, ngành", 2),
    ("partner", "Cơ quan phối hợp (ngành dọc, đoàn thể)", 2),
    ("press", "Cơ quan báo chí", 2),
    ("district", "Ủy ban nhân dân cấp huyện", 3),
    ("unit", "Đơn vị trực thuộc", 3),
    ("commune", "Ủy ban nhân dân cấp xã", 4),
]

# code, full name, short name, kind, parent code, aliases
AGENCIES = [
    ("UBND", "Ủy ban nhân dân tỉnh Hưng Yên", "UBND tỉnh", "people_committee", None,
     ["Ủy ban nhân dân tỉnh", "UBND tỉnh Hưng Yên"]),
    ("VP-UBND", "Văn phòng Ủy ban nhân dân tỉnh", "VP UBND tỉnh", "office", "UBND",
     ["Văn phòng UBND tỉnh"]),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội", "Sở LĐTBXH", "department", "UBND",
     ["Sở Lao động – Thương binh và Xã hội", "Sở LĐ-TB&XH", "Sở Lao động, Thương binh và Xã hội"]),
    ("STC", "Sở Tài chính", "Sở Tài chính", "department", "UBND", []),
    ("SKHDT", "Sở Kế hoạch và Đầu tư", "Sở KH&ĐT", "department", "UBND", ["Sở KHĐT"]),
    ("STTTT", "Sở Thông tin và Truyền thông", "Sở TT&TT", "department", "UBND", ["Sở TTTT"]),
    ("SNV", "Sở Nội vụ", "Sở Nội vụ", "department", "UBND", []),
    ("SYT", "Sở Y tế", "Sở Y tế", "department", "UBND", []),
    ("SGDDT", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT", "department", "UBND", []),
    ("BQLKCN", "Ban Quản lý các khu công nghiệp tỉnh", "BQL các KCN", "department", "UBND",
     ["Ban Quản lý các KCN tỉnh"]),
    ("BHXH", "Bảo hiểm xã hội tỉnh", "BHXH tỉnh", "partner", None, ["Bảo hiểm xã hội tỉnh Hưng Yên", "BHXH"]),
    ("NHCSXH", "Chi nhánh Ngân hàng Chính sách xã hội tỉnh", "NHCSXH tỉnh", "partner", None,
     ["Ngân hàng Chính sách xã hội tỉnh", "NHCSXH"]),
    ("LDLD", "Liên đoàn Lao động tỉnh", "LĐLĐ tỉnh", "partner", None, []),
    ("BAO", "Báo Hưng Yên", "Báo Hưng Yên", "press", None, []),
    ("DAI", "Đài Phát thanh và Truyền hình Hưng Yên", "Đài PT-TH Hưng Yên", "press", None,
     ["Đài Phát thanh - Truyền hình Hưng Yên"]),
    ("TTDVVL", "Trung tâm Dịch vụ việc làm tỉnh", "TT DVVL tỉnh", "unit", "SLDTBXH", []),
    ("H-TPHY", "Ủy ban nhân dân thành phố Hưng Yên", "UBND TP Hưng Yên", "district", "UBND", []),
    ("H-MYHAO", "Ủy ban nhân dân thị xã Mỹ Hào", "UBND TX Mỹ Hào", "district", "UBND", []),
    ("H-VANLAM", "Ủy ban nhân dân huyện Văn Lâm", "UBND huyện Văn Lâm", "district", "UBND", []),
    ("H-VANGIANG", "Ủy ban nhân dân huyện Văn Giang", "UBND huyện Văn Giang", "district", "UBND", []),
    ("H-YENMY", "Ủy ban nhân dân huyện Yên Mỹ", "UBND huyện Yên Mỹ", "district", "UBND", []),
    ("H-ANTHI", "Ủy ban nhân dân huyện Ân Thi", "UBND huyện Ân Thi", "district", "UBND", []),
    ("H-KHOAICHAU", "Ủy ban nhân dân huyện Khoái Châu", "UBND huyện Khoái Châu", "district", "UBND", []),
    ("H-KIMDONG", "Ủy ban nhân dân huyện Kim Động", "UBND huyện Kim Động", "district", "UBND", []),
    ("H-TIENLU", "Ủy ban nhân dân huyện Tiên Lữ", "UBND huyện Tiên Lữ", "district", "UBND", []),
    ("H-PHUCU", "Ủy ban nhân dân huyện Phù Cừ", "UBND huyện Phù Cừ", "district", "UBND", []),
]

DEPARTMENTS = ["SLDTBXH", "STC", "SKHDT", "STTTT", "SNV", "SYT", "SGDDT", "BQLKCN"]
DISTRICTS = [code for code, *_ in AGENCIES if code.startswith("H-")]

GROUPS = [
    ("SO-NGANH", "Các sở, ban, ngành tỉnh",
     ["các sở, ban, ngành", "Sở, ban, ngành cấp tỉnh", "các Sở, ngành", "Các sở, ban, ngành, đơn vị cấp tỉnh"],
     DEPARTMENTS),
    ("HUYEN", "UBND các huyện, thị xã, thành phố",
     ["Ủy ban nhân dân các huyện, thị xã, thành phố", "UBND huyện, thị xã, thành phố", "các địa phương",
      "UBND các huyện, thành, thị", "Ủy ban nhân dân các huyện, thành phố, thị xã"],
     DISTRICTS),
    ("BAO-CHI", "Các cơ quan báo chí tỉnh", ["các cơ quan báo, đài"], ["BAO", "DAI"]),
]

DIRECTIVE_TYPES = [
    ("cong-van", "Công văn", ""),
    ("ke-hoach", "Kế hoạch", "KH"),
    ("chi-thi", "Chỉ thị", "CT"),
    ("cong-dien", "Công điện", "CĐ"),
    ("quyet-dinh", "Quyết định", "QĐ"),
    ("thong-bao", "Thông báo", "TB"),
]

# login, full name, agency, roles
USERS = [
    ("admin", "Quản trị hệ thống", "VP-UBND", ["admin"]),
    ("lanhdao", "Nguyễn Duy Hưng", "UBND", ["leader"]),
    ("chuyenvien", "Trần Thị Thu Hà", "VP-UBND", ["clerk"]),
    ("giamdoc.sldtbxh", "Phạm Văn Minh", "SLDTBXH", ["agency_head"]),
    ("canbo.sldtbxh", "Lê Thị Lan", "SLDTBXH", ["agency_officer"]),
    ("canbo.stc", "Đỗ Văn Nam", "STC", ["agency_officer"]),
    ("canbo.vanlam", "Vũ Thị Hoa", "H-VANLAM", ["agency_officer"]),
]


@dataclass
class DemoResult:
    created_agencies: int = 0
    created_users: dict[str, str] | None = None  # login → password, shown once


def load_demo(dbsession: Session, *, reset_passwords: bool = False) -> DemoResult:
    """Create whatever of the demo province is missing; return the passwords of users it created."""
    result = DemoResult(created_users={})
    kinds = {}
    for code, name, level in KINDS:
        kind = dbsession.scalar(select(AgencyKind).where(AgencyKind.code == code))
        if kind is None:
            kind = AgencyKind(code=code, name=name, level=level)
            dbsession.add(kind)
        kinds[code] = kind
    dbsession.flush()

    agencies: dict[str, Agency] = {}
    for code, name, short, kind, parent, aliases in AGENCIES:
        agency = dbsession.scalar(select(Agency).where(Agency.code == code))
        if agency is None:
            agency = Agency(
                code=code, name=name, short_name=short, kind=kinds[kind], aliases=aliases,
                parent=agencies.get(parent) if parent else None,
                email=f"{code.lower()}@hungyen.gov.vn",
            )
            dbsession.add(agency)
            result.created_agencies += 1
        agencies[code] = agency
    dbsession.flush()

    for code, name, aliases, members in GROUPS:
        group = dbsession.scalar(select(AgencyGroup).where(AgencyGroup.code == code))
        if group is None:
            dbsession.add(AgencyGroup(code=code, name=name, aliases=aliases, members=[agencies[m] for m in members]))

    for code, name, abbreviation in DIRECTIVE_TYPES:
        if dbsession.scalar(select(DirectiveType).where(DirectiveType.code == code)) is None:
            dbsession.add(DirectiveType(code=code, name=name, abbreviation=abbreviation))

    for login, full_name, agency_code, roles in USERS:
        user = dbsession.scalar(select(User).where(User.login == login))
        password = secrets.token_urlsafe(9)
        if user is None:
            accounts.create_user(
                dbsession, login=login, full_name=full_name, agency=agencies[agency_code], roles=roles,
                email=f"{login}@hungyen.gov.vn", password=password,
            )
            result.created_users[login] = password
        elif reset_passwords:
            accounts.change_password(user, password)
            result.created_users[login] = password
    dbsession.flush()
    return result
