"""The organisations of the generated datasets: provinces, their agencies, groups and staff.

The home province is the demo's Hưng Yên (``coordination.demo.load_demo``: the codes the README
lists), grown to ≈ 60 agencies with the departments, partner agencies and communes a province has.
Every other province gets the same shape under a code prefix (``HN-UBND``, ``HN-STC`` ...). Each
agency has a head and an officer; each province a leader and a clerk. Every user's password is
``bench-password`` (hashed once, with the application's hasher).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from coordination.accounts import services as accounts
from coordination.accounts.models import User
from coordination.demo import AGENCIES as DEMO_AGENCIES
from coordination.demo import USERS as DEMO_USERS
from coordination.demo import load_demo
from coordination.organizations.models import Agency, AgencyGroup, AgencyKind

PASSWORD = "bench-password"

# the 34 provinces and centrally-run cities after the 2025 merger: code prefix, name
PROVINCES = [
    ("HY", "Hưng Yên"), ("HN", "Hà Nội"), ("HUE", "Huế"), ("LCH", "Lai Châu"), ("DB", "Điện Biên"),
    ("SL", "Sơn La"), ("LS", "Lạng Sơn"), ("QNI", "Quảng Ninh"), ("TH", "Thanh Hóa"), ("NA", "Nghệ An"),
    ("HT", "Hà Tĩnh"), ("CB", "Cao Bằng"), ("TQ", "Tuyên Quang"), ("LC", "Lào Cai"), ("TN", "Thái Nguyên"),
    ("PT", "Phú Thọ"), ("BN", "Bắc Ninh"), ("HP", "Hải Phòng"), ("NB", "Ninh Bình"), ("QT", "Quảng Trị"),
    ("DN", "Đà Nẵng"), ("QNG", "Quảng Ngãi"), ("GL", "Gia Lai"), ("KH", "Khánh Hòa"), ("LD", "Lâm Đồng"),
    ("DL", "Đắk Lắk"), ("HCM", "Thành phố Hồ Chí Minh"), ("DNA", "Đồng Nai"), ("TNI", "Tây Ninh"),
    ("CT", "Cần Thơ"), ("VL", "Vĩnh Long"), ("DT", "Đồng Tháp"), ("CM", "Cà Mau"), ("AG", "An Giang"),
]

# agencies every province has beyond the demo's list: code, name, short name, kind
EXTRA_AGENCIES = [
    ("SXD", "Sở Xây dựng", "Sở Xây dựng", "department"),
    ("SCT", "Sở Công Thương", "Sở Công Thương", "department"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", "Sở NN&MT", "department"),
    ("STP", "Sở Tư pháp", "Sở Tư pháp", "department"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTT&DL", "department"),
    ("SKHCN", "Sở Khoa học và Công nghệ", "Sở KH&CN", "department"),
    ("TTRA", "Thanh tra tỉnh", "Thanh tra tỉnh", "department"),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", "Sở DT&TG", "department"),
    ("CA", "Công an tỉnh", "Công an tỉnh", "partner"),
    ("BCHQS", "Bộ Chỉ huy Quân sự tỉnh", "Bộ CHQS tỉnh", "partner"),
    ("THUE", "Thuế tỉnh", "Thuế tỉnh", "partner"),
    ("KBNN", "Kho bạc Nhà nước khu vực", "KBNN", "partner"),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "UBMTTQ tỉnh", "partner"),
    ("TDOAN", "Tỉnh đoàn", "Tỉnh đoàn", "partner"),
    ("HLHPN", "Hội Liên hiệp Phụ nữ tỉnh", "Hội LHPN tỉnh", "partner"),
    ("HND", "Hội Nông dân tỉnh", "Hội Nông dân tỉnh", "partner"),
    ("TTPVHCC", "Trung tâm Phục vụ hành chính công tỉnh", "TT PVHCC", "unit"),
]
COMMUNE_NAMES = [
    "Phố Hiến", "Sơn Nam", "Hồng Châu", "Mỹ Hào", "Đường Hào", "Thượng Hồng", "Như Quỳnh", "Lạc Đạo",
    "Đại Đồng", "Nghĩa Trụ", "Phụng Công", "Văn Giang", "Mễ Sở", "Yên Mỹ", "Việt Yên", "Hoàn Long",
    "Nguyễn Văn Linh", "Ân Thi", "Xuân Trúc", "Phạm Ngũ Lão", "Khoái Châu", "Triệu Việt Vương",
]
SO_NGANH = "SO-NGANH"
HUYEN = "HUYEN"
XA = "XA"


@dataclass
class Province:
    """One province of the dataset: its codes, staff logins and groups (ids filled by ``build``)."""

    prefix: str
    name: str
    home: bool
    codes: dict[str, str] = field(default_factory=dict)   # local code ("STC") → stored code ("HN-STC")
    departments: list[str] = field(default_factory=list)  # local codes
    districts: list[str] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    agency_ids: dict[str, int] = field(default_factory=dict)   # local code → id
    officer: dict[int, int] = field(default_factory=dict)      # agency id → officer user id
    head: dict[int, int] = field(default_factory=dict)         # agency id → head user id
    leader_id: int = 0
    clerk_id: int = 0

    def code(self, local: str) -> str:
        return self.codes[local]

    @property
    def issuer(self) -> str:
        return self.code("UBND")

    @property
    def issuer_id(self) -> int:
        return self.agency_ids["UBND"]

    def group(self, local: str) -> str:
        return local if self.home else f"{self.prefix}-{local}"

    @property
    def slug(self) -> str:
        return self.prefix.lower()


def _login(province: Province, local: str, role: str) -> str:
    return f"{role}.{local.lower()}" + ("" if province.home else f".{province.slug}")


def build(dbsession: Session, count: int, communes: int) -> list[Province]:
    """Create ``count`` provinces (the first is the home one) with their staff; return them."""
    load_demo(dbsession)
    kinds = {k.code: k for k in dbsession.scalars(select(AgencyKind))}
    password_hash = accounts.hash_password(PASSWORD)
    provinces = []
    for prefix, name in PROVINCES[:count]:
        home = prefix == "HY"
        province = Province(prefix=prefix, name=name, home=home)
        rows = [(code, full, short, kind, parent) for code, full, short, kind, parent, _aliases in DEMO_AGENCIES]
        rows += [(code, full, short, kind, "UBND" if kind in ("department", "unit") else None)
                 for code, full, short, kind in EXTRA_AGENCIES]
        rows += [(f"X-{n:02d}", f"Ủy ban nhân dân xã {COMMUNE_NAMES[n % len(COMMUNE_NAMES)]}",
                  f"UBND xã {COMMUNE_NAMES[n % len(COMMUNE_NAMES)]}", "commune", "UBND") for n in range(communes)]
        by_local: dict[str, Agency] = {}
        for local, full, short, kind, parent in rows:
            stored = local if home else f"{prefix}-{local}"
            province.codes[local] = stored
            agency = dbsession.scalar(select(Agency).where(Agency.code == stored))
            if agency is None:
                if not home:
                    full = full.replace("Hưng Yên", name)
                    short = short.replace("Hưng Yên", name)
                agency = Agency(code=stored, name=full, short_name=short, kind=kinds[kind],
                                parent=by_local.get(parent) if parent else None,
                                email=f"{stored.lower()}@{prefix.lower()}.gov.vn")
                dbsession.add(agency)
            by_local[local] = agency
            if kind == "department":
                province.departments.append(local)
            elif kind == "district":
                province.districts.append(local)
            elif kind == "commune":
                province.communes.append(local)
            elif kind == "partner":
                province.partners.append(local)
        dbsession.flush()
        province.agency_ids = {local: agency.id for local, agency in by_local.items()}
        groups = {SO_NGANH: province.departments, HUYEN: province.districts, XA: province.communes,
                  "BAO-CHI": ["BAO", "DAI"]}
        group_names = {SO_NGANH: "Các sở, ban, ngành tỉnh", HUYEN: "UBND các huyện, thị xã, thành phố",
                       XA: "UBND các xã, phường", "BAO-CHI": "Các cơ quan báo chí tỉnh"}
        for local, members in groups.items():
            code = province.group(local)
            group = dbsession.scalar(select(AgencyGroup).where(AgencyGroup.code == code))
            if group is None:
                group = AgencyGroup(code=code, name=group_names[local])
                dbsession.add(group)
            group.members = [by_local[m] for m in members]
        _staff(dbsession, province, by_local, password_hash)
        provinces.append(province)
    # the demo users keep their logins; every user gets the one benchmark password
    for user in dbsession.scalars(select(User)):
        user.password_hash = password_hash
    dbsession.flush()
    return provinces


def _staff(dbsession: Session, province: Province, by_local: dict[str, Agency], password_hash: str) -> None:
    existing = {u.login: u for u in dbsession.scalars(select(User))}

    def user(login, full_name, agency, roles):
        found = existing.get(login)
        if found is None:
            found = User(login=login, full_name=full_name, email=f"{login}@{province.slug}.gov.vn", agency=agency,
                         language="vi", password_hash=password_hash, notification_mode="immediate")
            found.roles = roles
            dbsession.add(found)
            existing[login] = found
        return found

    people = {}
    for local, agency in by_local.items():
        if local in ("UBND", "VP-UBND"):
            continue
        people[(local, "head")] = user(_login(province, local, "gd"), f"Giám đốc {agency.short_name}", agency, ["agency_head"])
        people[(local, "officer")] = user(_login(province, local, "cb"), f"Chuyên viên {agency.short_name}", agency,
                                          ["agency_officer"])
    if not province.home:
        # the demo's agency users have counterparts too, so every home user has one (bench.clone)
        for login, full_name, agency_code, roles in DEMO_USERS:
            if agency_code in by_local and login not in ("admin", "lanhdao", "chuyenvien"):
                user(f"{login}.{province.slug}", full_name, by_local[agency_code], roles)
    leader = existing.get("lanhdao") if province.home else user(f"lanhdao.{province.slug}", "Lãnh đạo UBND tỉnh",
                                                                   by_local["UBND"], ["leader"])
    clerk = existing.get("chuyenvien") if province.home else user(f"chuyenvien.{province.slug}", "Chuyên viên VP",
                                                                     by_local["VP-UBND"], ["clerk"])
    dbsession.flush()
    for (local, role), person in people.items():
        (province.head if role == "head" else province.officer)[person.agency_id] = person.id
    province.leader_id, province.clerk_id = leader.id, clerk.id
