"""The organisation tree: agencies, kinds and groups (data, never code)."""


def includeme(config):
    config.add_route("admin_agencies", "/admin/agencies")
    config.add_route("admin_agency_new", "/admin/agencies/new")
    config.add_route("admin_agency_edit", "/admin/agencies/{id:\\d+}")
    config.add_route("admin_groups", "/admin/groups")
    config.add_route("admin_group_new", "/admin/groups/new")
    config.add_route("admin_group_edit", "/admin/groups/{id:\\d+}")
    config.add_route("api_agencies", "/api/v1/agencies")
    config.add_route("api_groups", "/api/v1/groups")
    config.scan(".views")
    config.scan(".api")
