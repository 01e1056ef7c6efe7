"""Functions of other domains named in the settings, resolved when a job runs.

The reminders domain depends on nothing of the later issues' code: a job that wants their work
(recurring occurrences, the monthly report) names the function by dotted name in the .ini and does
without it, with a warning in the log, while it is not there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from pyramid.path import DottedNameResolver

log = logging.getLogger(__name__)

OCCURRENCES_JOB = "coordination.reminders.sources:create_occurrences"
MONTHLY_REPORT = "coordination.reports.monthly:build_monthly_report"


def optional_hook(settings, key: str, default: str) -> Callable | None:
    """The callable named by setting ``key`` (or ``default``); None, logged, if it cannot be imported.

    An empty setting switches the hook off without a warning.
    """
    name = settings.get(key, default)
    if not name:
        return None
    try:
        hook = DottedNameResolver().resolve(name)
    except (ImportError, AttributeError, ValueError) as error:
        log.warning("%s = %s is not available (%s): doing without it", key, name, error)
        return None
    if not callable(hook):
        log.warning("%s = %s is not callable: doing without it", key, name)
        return None
    return hook
