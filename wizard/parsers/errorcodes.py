"""Error codes in every form people meet, normalised to signed 32-bit decimal ints.

Only codes *reported as failures* count: a number must follow a failure word (error, status, result,
failed, HRESULT, ...), or be named symbolically, or be given by its message text. Zero is success.
A port, an event id, a USN, a process id or a "Long val" is never preceded by such a word.
HRESULT_FROM_WIN32 values (0x8007xxxx) are reported as the Win32 code they wrap, and the DCE status
the endpoint mapper puts on the wire (0x16c9a0d6, EP_S_NOT_REGISTERED) as 1753.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from wizard.parsers.common import LineIndex, pick


@dataclass(frozen=True)
class Code:
    value: int
    symbol: str
    message: str  # the system message, as FormatMessage words it
    phrases: tuple[str, ...] = ()  # message fragments found in pastes without a number


CODES = (
    Code(1753, "EPT_S_NOT_REGISTERED", "There are no more endpoints available from the endpoint mapper.",
         ("no more endpoints available from the endpoint mapper",)),
    Code(1722, "RPC_S_SERVER_UNAVAILABLE", "The RPC server is unavailable.",
         ("the rpc server is unavailable", "rpc server unavailable")),
    Code(1720, "RPC_S_CANT_CREATE_ENDPOINT", "The endpoint cannot be created.", ("the endpoint cannot be created",)),
    Code(1764, "RPC_S_CANNOT_SUPPORT", "The requested operation is not supported."),
    Code(-2146893022, "SEC_E_WRONG_PRINCIPAL", "The target principal name is incorrect.",
         ("the target principal name is incorrect",)),
    Code(87, "ERROR_INVALID_PARAMETER", "The parameter is incorrect.", ("the parameter is incorrect",)),
    Code(1726, "RPC_S_CALL_FAILED", "The remote procedure call failed.", ("the remote procedure call failed",)),
    Code(1727, "RPC_S_CALL_FAILED_DNE", "The remote procedure call failed and did not execute.",
         ("the remote procedure call failed and did not execute",)),
    Code(1723, "RPC_S_SERVER_TOO_BUSY", "The RPC server is too busy to complete this operation.",
         ("the rpc server is too busy",)),
    Code(1752, "EPT_S_CANT_PERFORM_OP", "The server endpoint cannot perform the operation."),
    Code(1908, "ERROR_DOMAIN_CONTROLLER_NOT_FOUND", "Could not find the domain controller for this domain."),
    Code(1355, "ERROR_NO_SUCH_DOMAIN", "The specified domain either does not exist or could not be contacted.",
         ("the specified domain either does not exist or could not be contacted",)),
    Code(5, "ERROR_ACCESS_DENIED", "Access is denied."),
    Code(8453, "ERROR_DS_DRA_ACCESS_DENIED", "Replication access was denied.", ("replication access was denied",)),
    Code(8524, "ERROR_DS_DNS_LOOKUP_FAILURE",
         "The DSA operation is unable to proceed because of a DNS lookup failure.",
         ("unable to proceed because of a dns lookup failure",)),
    Code(2224, "NERR_UserExists", "The account already exists."),
    Code(1256, "ERROR_NO_NET_OR_BAD_PATH", "The remote system is not available."),
    Code(58, "ERROR_BAD_NET_RESP", "The specified server cannot perform the requested operation."),
    # what Samba DCs record in repsFrom where Windows records 1753 or 1722 (the lab shows each)
    Code(64, "ERROR_NETNAME_DELETED", "The specified network name is no longer available."),
    Code(1234, "ERROR_PORT_UNREACHABLE", "No service is operating at the destination network endpoint on the "
         "remote system."),
    Code(121, "ERROR_SEM_TIMEOUT", "The semaphore timeout period has expired."),
    Code(8614, "ERROR_DS_REPL_LIFETIME_EXCEEDED", "The directory service cannot replicate with this server because "
         "the time since the last replication with this server has exceeded the tombstone lifetime."),
)
BY_VALUE = {c.value: c for c in CODES}
BY_SYMBOL = {c.symbol: c.value for c in CODES} | {"EP_S_NOT_REGISTERED": 1753}  # the trace's spelling
# Samba prints a Win32 code as WERR_<name> (samba-tool drs showrepl: "result 64 (WERR_NETNAME_DELETED)")
BY_SYMBOL |= {"WERR_" + c.symbol.removeprefix("ERROR_"): c.value for c in CODES if c.symbol.startswith("ERROR_")}
_ALIASES = {0x16C9A0D6: 1753}  # nca status of ept_map for "not registered"

_NUMBER = r"(?P<num>[-+]?0x[0-9a-f]{1,8}|[-+]?\d{1,10})(?![0-9a-z])(?![/:.]\d)"
_FAILURE_WORD = (r"(?:\b(?:nt\s+|win32\s+)?error(?:\s+(?:value|code|status))?(?:\s+is)?"
                 r"|\bstatus(?:\s+code)?(?:\s+is)?|\bresult(?:\s+is)?"
                 r"|\bfailed(?:\s+with)?(?:\s+(?:error|status))?|\bfailure"
                 r"|\breturned(?=\s*:|\s+(?:error|status))(?:\s+(?:error|status))?|\bhresult)")
# run over the lowercased text: a case-insensitive pattern is several times slower
_REPORTED = re.compile(_FAILURE_WORD + r"[ \t]*[:=]?[ \t]*\n?[ \t]*\(?[ \t]*" + _NUMBER)
_SYMBOL = re.compile(r"\b(" + "|".join(sorted(BY_SYMBOL, key=len, reverse=True)) + r")\b")
# all messages in one pattern, the longest first ("...call failed and did not execute" before "...call failed")
# each message with the word that must be in a text (lowercased) for the message to be looked for at all: a
# case-insensitive pattern is slow, `in` is not
_PHRASES = [(re.compile(r"\s+".join(map(re.escape, p.split()))), max(p.split(), key=len), c.value)
            for c in CODES for p in sorted(c.phrases, key=len, reverse=True)]  # the phrases are lowercase
# the literal words every pattern above starts from or holds, in the spellings tools print them
ANCHORS = ("rror", "RROR", "tatus", "TATUS", "esult", "ESULT", "ailed", "AILED", "ailure", "AILURE", "eturned",
           "ETURNED", "_S_", "SEC_E_", "NERR_", "ndpoint", "NDPOINT", "RPC server", "rpc server", "RPC Server",
           "RPC SERVER", "navailable", "rincipal", "RINCIPAL", "arameter", "ARAMETER", "rocedure call",
           "ROCEDURE CALL", "omain either", "ccess was denied", "ookup failure")
_SMALL = 64 * 1024  # below this a text is scanned whole: picking its lines would cost more than it saves
# statuses that are not failures although non-zero (netsetup.log of healthy joins has them too): the join
# looks up a secret that does not exist yet, leaves a registry value at its default, or asks for a restart
_BENIGN = re.compile(r"netplsaopensecret:\s*status:\s*0xc0000034|netploadparameters:\s*status:\s*0x0*2\b"
                     r"|netpcontinueprovisioningpackageinstall:\s*status:\s*0x0*a99\b")  # over lowercased text


def to_int(text: str) -> int | None:
    """A code as written (decimal, hex, signed or unsigned 32-bit) -> signed 32-bit int; None if not one."""
    text = text.strip().lower().lstrip("+")
    negative = text.startswith("-")
    body = text[1:] if negative else text
    try:
        value = int(body, 16) if body.startswith("0x") else int(body, 10)
    except ValueError:
        return None
    value = -value if negative else value
    if not -(2**31) <= value < 2**32:
        return None
    return normalise(value)


def normalise(value: int) -> int:
    if value >= 2**31:
        value -= 2**32
    if value & 0xFFFF0000 == 0x80070000:  # HRESULT_FROM_WIN32
        value &= 0xFFFF
    return _ALIASES.get(value, value)


def scan(text: str, index: LineIndex | None = None) -> list[tuple[int, int]]:
    """(position, code) of every failure code reported in the text, by number, symbol or message.

    A big text is first cut to the lines holding one of the anchors (a failure word, a symbol's prefix, a
    message's words) and the line after each: the patterns then run over those lines only."""
    if len(text) <= _SMALL:
        return _scan(text)
    picked = pick(index or text, ANCHORS)
    return [(picked.at(pos), code) for pos, code in _scan(picked.text)]


def _scan(text: str) -> list[tuple[int, int]]:
    lower = text.lower()
    if len(lower) != len(text):  # a character whose lower case is longer ("İ"): positions would shift
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    found = [(m.start("num"), value) for m in _not_benign(lower) if (value := to_int(m.group("num")))]
    found += [(m.start(), BY_SYMBOL[m.group(1)]) for m in _SYMBOL.finditer(text)]
    found += [(m.start(), value) for rx, word, value in _PHRASES if word in lower for m in rx.finditer(lower)]
    return sorted(found)


def _not_benign(text: str) -> Iterator[re.Match[str]]:
    """(`text` lowercased) The reported codes that do not start inside a benign span. Both come in text order,
    so one pass over each suffices: a paste of many benign lines stays linear, not codes x spans."""
    spans = _BENIGN.finditer(text)
    span = next(spans, None)
    for m in _REPORTED.finditer(text):
        while span is not None and span.end() <= m.start():
            span = next(spans, None)
        if span is None or m.start() < span.start():
            yield m


def codes_in(text: str) -> list[int]:
    """The failure codes of `text`, in order of first appearance, each once."""
    return unique_codes(code for _, code in scan(text))


def unique_codes(codes) -> list[int]:
    return list(dict.fromkeys(c for c in codes if c))


def describe(value: int) -> str:
    """`1753 (0x6d9, EPT_S_NOT_REGISTERED: There are no more ...)` for a known code, else decimal and hex."""
    code = BY_VALUE.get(value)
    hexa = hex(value & 0xFFFFFFFF)
    if code:
        return f"{value} ({hexa}, {code.symbol}: {code.message})"
    return f"{value} ({hexa})"
