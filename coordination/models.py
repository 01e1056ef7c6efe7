"""Import every domain's models so ``Base.metadata`` is complete (Alembic, tests, scripts)."""

from .accounts.models import ApiToken, LoginAttempt, User, UserRole  # noqa: F401
from .db import Base  # noqa: F401
from .directives.models import Directive, DirectiveTask, DirectiveType, Target  # noqa: F401
from .organizations.models import Agency, AgencyGroup, AgencyKind  # noqa: F401
from .tasks.models import AuditEvent, ProgressReport, Task  # noqa: F401
from .reminders.models import Holiday, OutboxAttachment, OutboxAttempt, OutboxMessage  # noqa: F401
