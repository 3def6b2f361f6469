"""Read what people paste (dcdiag, repadmin, netsetup.log, events, portqry, nslookup, ...). Pure: no I/O.

    decode_paste(bytes) -> str            text from a file or clipboard, whatever Windows wrote
    parse_text(str) -> ParsedPaste        kind(s), failure codes, hosts, GUIDs, symptoms, facts
    context_from(ParsedPaste) -> dict     what `diagnose` can pre-fill (target, dest, forest, guid, dns_servers)
    answer_from_paste(probe, text, ctx)   a pasted output answering a probe that could not run from here
    evaluate_rpc_ports(...)               the Rpc\\Internet registry rules of document 003
"""

from wizard.parsers.answer import answer_from_paste
from wizard.parsers.cleanup import MAX_BYTES, decode_paste
from wizard.parsers.context import context_from
from wizard.parsers.detect import parse_text
from wizard.parsers.model import ParsedPaste
from wizard.verdicts.rpc_internet import RPC_INTERNET_ABSENT, evaluate_rpc_ports

__all__ = ["MAX_BYTES", "RPC_INTERNET_ABSENT", "ParsedPaste", "answer_from_paste", "context_from", "decode_paste",
           "evaluate_rpc_ports", "parse_text"]
