"""SealedText: a column type that stores complaint text encrypted at rest (Fernet).

The ORM and Core statements see plain text; the database holds only Fernet tokens (the empty
string stays empty, so "nothing written" is not a secret). Equality or LIKE filters cannot work
on such a column, and none is used: staff filter on state, category, district, dates and code.
The key is the one of portal.prefiling.crypto (rotation included).
"""

from __future__ import annotations

from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator


class SealedText(TypeDecorator):
    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None or value == "":
            return value
        from portal.prefiling.crypto import get_cipher

        return get_cipher().encrypt(str(value))

    def process_result_value(self, value, dialect):
        if value is None or value == "":
            return value
        from portal.prefiling.crypto import get_cipher

        return get_cipher().decrypt(value)
