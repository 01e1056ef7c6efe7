"""Import every domain's models so ``Base.metadata`` is complete (Alembic, tests, scripts)."""

from .accounts.models import ApiToken, LoginAttempt, User, UserRole, UserSession  # noqa: F401
from .db import Base  # noqa: F401
from .directives.models import (  # noqa: F401
    AmendmentChange,
    Attachment,
    Directive,
    DirectiveTask,
    DirectiveTaskCoordinator,
    DirectiveType,
    ExternalDocument,
    NumberCounter,
    Recipient,
    Reference,
    Target,
)
from .organizations.models import Agency, AgencyGroup, AgencyKind  # noqa: F401
from .tasks.models import (  # noqa: F401
    AuditEvent,
    Comment,
    DeadlineChange,
    Escalation,
    Extension,
    ProgressAttachment,
    ProgressReport,
    Task,
    TaskOccurrence,
    TaskStatusHistory,
    TargetValue,
)
from .reports.models import FiguresSnapshot, StoredReport  # noqa: F401
from .reminders.models import (  # noqa: F401
    Holiday, OutboxAttachment, OutboxAttempt, OutboxMessage, ReminderChange, SweepRun,
)
