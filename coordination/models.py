"""Import every domain's models so ``Base.metadata`` is complete (Alembic, tests, scripts)."""

from .accounts.models import ApiToken, LoginAttempt, User, UserRole  # noqa: F401
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
from .tasks.models import AuditEvent, ProgressReport, Task  # noqa: F401
