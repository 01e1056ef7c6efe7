"""Routes that belong to no domain. Each domain's ``includeme`` adds its own (``proutes`` lists all)."""


def includeme(config):
    config.add_route("home", "/")
    config.add_route("healthz", "/healthz")
    config.add_route("set_language", "/language")
