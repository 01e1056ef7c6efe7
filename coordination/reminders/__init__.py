"""Reminders: who is told what and when, the transactional outbox, the scheduler's jobs.

Importing the package registers its event subscribers (``coordination.models`` imports it, so
every process that has the models has them: web, scheduler, command line, tests).
"""

from . import subscribers  # noqa: F401


def includeme(config):
    config.add_route("admin_holidays", "/admin/holidays")
    config.add_route("admin_holiday_edit", "/admin/holidays/{id:\\d+}")
    config.add_route("admin_holiday_delete", "/admin/holidays/{id:\\d+}/delete")
    config.add_route("admin_outbox", "/admin/outbox")
    config.add_route("admin_outbox_message", "/admin/outbox/{id:\\d+}")
    config.add_route("admin_outbox_requeue", "/admin/outbox/{id:\\d+}/requeue")
    config.add_route("notification_settings", "/account/notifications")
    config.scan(".views")
