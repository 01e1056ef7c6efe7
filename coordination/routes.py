"""Routes that belong to no domain. Each domain's ``includeme`` adds its own (``proutes`` lists all)."""


def includeme(config):
    config.add_route("home", "/")
    config.add_route("healthz", "/healthz")
    config.add_route("set_language", "/language")


def url_maker(request, route_name: str):
    """A function making ``request.route_url(route_name, **parts)`` for a page with many links to one
    route (a row each): the route is looked up once, and each URL is the application URL followed by
    the route's generated path, which is what ``route_url`` returns for a route without a
    pregenerator, without its parsing of options on every call."""
    from pyramid.interfaces import IRoutesMapper

    route = request.registry.getUtility(IRoutesMapper).get_route(route_name)
    if route is None or route.pregenerator is not None:
        raise ValueError(f"url_maker: {route_name!r} is not a plain route")
    base = request.application_url
    return lambda **parts: base + route.generate(parts)
