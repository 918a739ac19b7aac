"""Staff services on pre-filings (工作人员办理), one import for callers that use several: the
transitions (portal.prefiling.transitions), the restricted view and attachments
(portal.prefiling.staff_view) and the queue (portal.prefiling.queue). Every service takes the
acting staff member and checks the role itself."""

from __future__ import annotations

from portal.prefiling.queue import QueueRow, deadline_words, districts, queue
from portal.prefiling.staff_view import RESTRICTED_NOTICE, StaffView, read_attachment, staff_view
from portal.prefiling.transitions import (
    StaffInputError,
    close,
    correct_contact,
    correct_number,
    register,
    reject,
    request_more,
)

__all__ = ["RESTRICTED_NOTICE", "QueueRow", "StaffInputError", "StaffView", "close", "correct_contact", "correct_number",
           "deadline_words", "districts", "queue", "read_attachment", "register", "reject", "request_more",
           "staff_view"]
