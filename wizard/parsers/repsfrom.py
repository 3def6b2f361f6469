"""The repsFrom value of a naming context head: one inbound replication partner, as the destination DC
itself records it (MS-DRSR REPS_FROM, Samba's drsblobs `repsFromToBlob`). Pure: bytes in, a dict out.

Layout (little-endian; offsets from the start of the value):
    0 version (1 or 2)           4 reserved
    8 cb                        12 consecutive failures
   16 time of last success      24 time of last attempt   (DSTIME: seconds since 1601-01-01 UTC, 0 = never)
   32 result of the last attempt (a Win32/WERROR code, 0 = success)
   36 offset of the other DRA's address (from the start of the value)   40 its length
   44 replica flags   48 schedule (84 bytes)   132 padding   136 USN vector (24 bytes)
  160 source DSA objectGUID   176 its invocationId   192 transport objectGUID
The address is `<source objectGUID>._msdcs.<forest root>`: the name the destination looks up, so the GUID
in it is the one the 1753 tree checks. Version 2 (Windows Server 2003 and later may write it) keeps the
same fixed part; its address is a DSA_RPC_INST whose strings are not read here (the GUID is enough).
"""

from __future__ import annotations

import datetime as dt
import struct
import uuid

_FIXED = 208  # bytes up to the end of the transport GUID
_EPOCH = dt.datetime(1601, 1, 1, tzinfo=dt.timezone.utc)
MAX_SECONDS = (dt.datetime(9999, 12, 31, tzinfo=dt.timezone.utc) - _EPOCH).total_seconds()


class NotRepsFrom(ValueError):
    """The bytes are not a repsFrom value this decoder knows."""


def dstime(seconds: int) -> str | None:
    """DSTIME (seconds since 1601) as ISO 8601 UTC; None for 0 (never) or a value no calendar holds."""
    if seconds <= 0 or seconds > MAX_SECONDS:
        return None
    return (_EPOCH + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def decode(blob: bytes) -> dict[str, object]:
    """One repsFrom value: source_guid, invocation_id, address, last_result (signed 32-bit), consecutive_failures,
    last_attempt, last_success (ISO 8601 or None), replica_flags, version."""
    if len(blob) < _FIXED:
        raise NotRepsFrom(f"a repsFrom value is at least {_FIXED} bytes; this one has {len(blob)}")
    version = struct.unpack_from("<I", blob, 0)[0]
    if version not in (1, 2):
        raise NotRepsFrom(f"repsFrom version {version} is not 1 or 2")
    failures, success, attempt, result, offset, length, flags = struct.unpack_from("<IQQiIII", blob, 12)
    return {
        "version": version,
        "source_guid": str(uuid.UUID(bytes_le=blob[160:176])),
        "invocation_id": str(uuid.UUID(bytes_le=blob[176:192])),
        "address": _address(blob, offset, length) if version == 1 else "",
        "last_result": result,
        "consecutive_failures": failures,
        "last_attempt": dstime(attempt),
        "last_success": dstime(success),
        "replica_flags": flags,
    }


def _address(blob: bytes, offset: int, length: int) -> str:
    """The MTX_ADDR at `offset` (from the start of the value, as Samba writes it): a length, then the name."""
    start = offset
    if not offset or start + 4 > len(blob):
        return ""
    size = struct.unpack_from("<I", blob, start)[0]
    raw = blob[start + 4:start + 4 + min(size, length, 512)]
    return raw.split(b"\0", 1)[0].decode("ascii", "replace")
