"""Tasks: the agencies' workspace, the task lifecycle, its API and the deadlines calendar."""

ACTIONS = "|".join((
    "acknowledge", "progress", "contribute", "complete", "accept", "return", "extension", "extension_decision",
    "escalate", "escalation_decision", "delegate", "comment", "cancel",
))
API_ACTIONS = "acknowledge|progress|complete|accept|return|extension|escalate|subtasks|comments|cancel"


def includeme(config):
    config.add_route("task_inbox", "/inbox")
    config.add_route("task_review", "/review")
    config.add_route("task_calendar", "/inbox/calendar")
    config.add_route("task_page", "/tasks/{id:\\d+}")
    config.add_route("task_action", "/tasks/{id:\\d+}/do/{action:" + ACTIONS + "}")
    config.add_route("task_attachment", "/tasks/{id:\\d+}/attachments/{aid:\\d+}")
    config.add_route("agency_deadlines_ics", "/agencies/{code}/deadlines.ics")
    config.add_route("api_tasks", "/api/v1/tasks")
    config.add_route("api_task", "/api/v1/tasks/{id:\\d+}")
    config.add_route("api_task_action", "/api/v1/tasks/{id:\\d+}/{action:" + API_ACTIONS + "}")
    config.add_route("api_extension_decision", "/api/v1/tasks/{id:\\d+}/extension/{eid:\\d+}/{decision:approve|refuse}")
    config.add_route("api_escalation_decision", "/api/v1/tasks/{id:\\d+}/escalations/{sid:\\d+}/decide")
    config.scan(".views")
    config.scan(".api")
    config.scan(".calendar_views")
    config.include(".openapi")
