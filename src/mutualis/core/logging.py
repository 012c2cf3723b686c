"""What the server's log says of a refused request: one line. Django logs a refused access
(403) with the traceback of the PermissionDenied that refused it: pages of it for a user who
followed an old link, which bury the server's real errors."""

import logging


class OneLineRefusals(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if 400 <= getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
