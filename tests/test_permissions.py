"""Every view declares a permission; the few public ones are listed here by name."""

from pyramid.security import NO_PERMISSION_REQUIRED

# routes anyone may reach without logging in, and why
PUBLIC_ROUTES = {
    "login": "the login form itself",
    "logout": "ends whatever session there is",
    "healthz": "load balancer health check",
    "set_language": "choosing the language before logging in",
    "agency_deadlines_ics": "iCalendar feed for calendar programs: the revocable read-only token in the query string is the credential",
    "__static/": "stylesheets",
    "__deform_static/": "deform's stylesheets and scripts",
}


def _route_views(app):
    introspector = app.registry.introspector
    for route_intr in introspector.get_category("routes"):
        route = route_intr["introspectable"]
        views = [rel for rel in route_intr["related"] if rel.category_name == "views"]
        yield route["name"], views


def _permission(app, view):
    related = app.registry.introspector.related(view)
    permissions = [rel["value"] for rel in related if rel.category_name == "permissions"]
    return permissions[0] if permissions else None


def test_every_route_has_views_and_every_view_a_permission(app):
    checked = 0
    for name, views in _route_views(app):
        if name.startswith("__"):
            # static views are registered by pyramid without a permission; they only serve files
            assert name in PUBLIC_ROUTES, name
            continue
        assert views, f"route {name} has no view"
        for view in views:
            permission = _permission(app, view)
            assert permission is not None, f"view {view['callable']} of route {name} declares no permission"
            if permission == NO_PERMISSION_REQUIRED:
                assert name in PUBLIC_ROUTES, f"route {name} is public but not listed as such"
            checked += 1
    assert checked >= 15


def test_a_public_route_list_entry_that_no_longer_exists_is_noticed(app):
    names = {name for name, _ in _route_views(app)}
    assert set(PUBLIC_ROUTES) <= names
