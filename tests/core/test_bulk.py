"""core.bulk writes rows as the ORM would store them: a uid read back by raw SQL (32
hexadecimal digits on SQLite) is written as it is read, and text in any other form is refused
rather than stored where no lookup would find it."""

import pytest

from mutualis.core.bulk import stored_hex
from mutualis.core.ids import new_bulk_uid, new_uid


def test_a_uid_is_stored_as_32_hexadecimal_digits_whether_given_as_uuid_or_as_stored():
    uid = new_uid()
    bulk = new_bulk_uid()
    assert stored_hex(uid) == uid.hex
    assert stored_hex(bulk) == bulk.hex
    assert stored_hex(uid.hex) == uid.hex


def test_a_uid_written_with_its_hyphens_is_refused():
    with pytest.raises(ValueError, match="32 hexadecimal digits"):
        stored_hex(str(new_uid()))
