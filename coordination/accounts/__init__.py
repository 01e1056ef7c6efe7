"""Accounts: login and logout, password change, sessions, users administration, API tokens."""


def includeme(config):
    config.add_route("login", "/login")
    config.add_route("logout", "/logout")
    config.add_route("account_password", "/account/password")
    config.add_route("admin_users", "/admin/users")
    config.add_route("admin_user_new", "/admin/users/new")
    config.add_route("admin_user_edit", "/admin/users/{id:\\d+}")
    config.scan(".views")
