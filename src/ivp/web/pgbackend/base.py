"""Django's PostgreSQL backend; only the connection health check differs.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every request, so that a
connection the server closed (restart, failover, an idle timeout, ``pg_terminate_backend``) is replaced
instead of failing the request. That is one network round trip per request: on the Open311 submission path
it was as much as the submission itself. A connection the server closed has something to read while it is
idle (the server's FATAL message, or end of file); a healthy idle connection has nothing, because the server
sends nothing unasked (no LISTEN is used). So: nothing to read, the connection is usable, no round trip;
something to read, ask the server with Django's own check. A dead network path without any message from the
server is not detected this way, but neither would ``SELECT 1`` detect it quickly: it would hang until the
TCP timeout.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return bool(super().is_usable())
        try:
            poller = select.poll()  # not select.select: that fails for descriptors above 1023
            poller.register(connection.fileno(), select.POLLIN)
            readable = poller.poll(0)
        except (OSError, ValueError):
            return False
        if readable:  # the server said something while idle: most likely that it closed the connection
            return bool(super().is_usable())
        return True
