"""Accounts: login and logout, password change, sessions, users administration, API tokens."""


def includeme(config):
    config.add_route("login", "/login")
    config.add_route("logout", "/logout")
    config.add_route("account_password", "/account/password")
    config.add_route("account_sessions", "/account/sessions")
    config.add_route("account_sessions_end_others", "/account/sessions/end-others")
    config.add_route("account_session_end", "/account/sessions/{id:\\d+}/end")
    config.add_route("admin_users", "/admin/users")
    config.add_route("admin_user_new", "/admin/users/new")
    config.add_route("admin_user_edit", "/admin/users/{id:\\d+}")
    config.add_route("admin_user_sessions_end", "/admin/users/{id:\\d+}/sessions/end")
    config.scan(".views")
