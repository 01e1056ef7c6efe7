"""The navigation bar, by role. Entries whose route a later issue has not added yet are left out."""

from __future__ import annotations

from dataclasses import dataclass

from pyramid.interfaces import IRoutesMapper

from .accounts.models import ADMIN, AGENCY_HEAD, AGENCY_OFFICER, CLERK, LEADER


@dataclass(frozen=True)
class NavItem:
    label: str
    route: str
    roles: tuple[str, ...]


NAV = (
    NavItem("Trang chủ", "home", ()),
    NavItem("Văn bản chỉ đạo", "directive_register", (CLERK, LEADER, ADMIN)),
    NavItem("Soạn văn bản", "directive_new", (CLERK, LEADER)),
    NavItem("Chờ ký", "directive_awaiting_signature", (LEADER,)),
    NavItem("Nhiệm vụ của cơ quan", "task_inbox", (AGENCY_HEAD, AGENCY_OFFICER)),
    NavItem("Theo dõi, đánh giá", "task_review", (CLERK, LEADER)),
    NavItem("Bảng điều hành", "dashboard", (LEADER, CLERK, AGENCY_HEAD)),
    NavItem("Báo cáo", "reports", (LEADER, CLERK, AGENCY_HEAD)),
    NavItem("Cơ quan", "admin_agencies", (ADMIN,)),
    NavItem("Nhóm cơ quan", "admin_groups", (ADMIN,)),
    NavItem("Người dùng", "admin_users", (ADMIN,)),
    NavItem("Ngày nghỉ lễ", "admin_holidays", (ADMIN,)),
    NavItem("Hộp thư đi", "admin_outbox", (ADMIN,)),
    NavItem("Nhận thông báo", "notification_settings", (LEADER, CLERK, AGENCY_HEAD, AGENCY_OFFICER)),
)


def navigation(request) -> list[dict]:
    user = request.identity
    if user is None:
        return []
    mapper = request.registry.queryUtility(IRoutesMapper)
    items = []
    for item in NAV:
        if item.roles and not user.has_role(*item.roles):
            continue
        if mapper is None or mapper.get_route(item.route) is None:
            continue
        url = request.route_url(item.route)
        items.append(
            {
                "label": request.translate(item.label),
                "url": url,
                "route": item.route,
                "active": request.matched_route is not None and request.matched_route.name == item.route,
            }
        )
    return items
