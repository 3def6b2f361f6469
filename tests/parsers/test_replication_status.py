"""Replication status read from what DCs record (repsFrom, recorded on the lab and decoded by Samba too) and
from what people paste (`repadmin /showrepl * /csv`, /replsum): the pairs, their codes and the trees they open."""

from __future__ import annotations

import base64
import datetime as dt
import json
import struct
import time
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wizard.exitcodes import EXIT_CAUSE, EXIT_OK, EXIT_UNSURE
from wizard.parsers import showrepl_csv
from wizard.parsers.replication import JSON_FIELDS, Pair, Status, from_paste
from wizard.parsers.repsfrom import NotRepsFrom, decode, dstime
from wizard.parsers.symptoms import for_replication_result
from wizard.replication import Replication
from wizard.report import replication as report

SAMPLES = Path(__file__).parent / "samples"

RECORDED = json.loads((SAMPLES / "repsfrom_lab.json").read_text())["values"]


def _nttime(value: int) -> str | None:
    """Samba's NTTIME (100 ns since 1601) as the decoder words times."""
    if not value:
        return None
    return (dt.datetime(1601, 1, 1) + dt.timedelta(microseconds=value // 10)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("value", RECORDED, ids=[v["recorded"] for v in RECORDED])
def test_repsfrom_reads_what_samba_reads(value):
    mine, samba = decode(base64.b64decode(value["blob"])), value["samba"]
    assert mine["last_result"] == samba["result_last_attempt"]
    assert mine["consecutive_failures"] == samba["consecutive_sync_failures"]
    assert mine["source_guid"] == samba["source_dsa_obj_guid"]
    assert mine["invocation_id"] == samba["source_dsa_invocation_id"]
    assert mine["address"] == samba["dns_name"]
    assert mine["last_attempt"] == _nttime(samba["last_attempt"])
    assert mine["last_success"] == _nttime(samba["last_success"])
    assert mine["replica_flags"] == samba["replica_flags"]


def test_the_lab_records_samba_codes_where_windows_records_1753_or_1722():
    codes = {v["recorded"]: decode(base64.b64decode(v["blob"]))["last_result"] for v in RECORDED}
    assert codes == {"ds-stopped, first attempt": 64, "ds-stopped, third attempt": 1234, "stale-a-record": 1234,
                     "epm-blocked": 121, "dynamic-blocked": 121}
    assert {c: for_replication_result(c) for c in set(codes.values())} == {
        64: "ad-replication-1753", 1234: "ad-replication-1753", 121: "rpc-unavailable-1722"}


def _blob(version: int, failures: int, success: int, attempt: int, result: int, guid: uuid.UUID, name: bytes) -> bytes:
    fixed = struct.pack("<IIIIQQiIII", version, 0, 208 + 4 + len(name), failures, success, attempt, result,
                        208 if name else 0, 4 + len(name), 0x64)
    fixed += bytes(84 + 4 + 24) + guid.bytes_le + bytes(32)
    return fixed + (struct.pack("<I", len(name)) + name if name else b"")


@given(st.integers(0, 2**32 - 1), st.integers(0, 2**40), st.integers(0, 2**40), st.integers(-(2**31), 2**31 - 1),
       st.uuids(), st.binary(max_size=60).map(lambda b: b.replace(b"\0", b"x")))
def test_repsfrom_gives_back_every_field_it_was_built_from(failures, success, attempt, result, guid, name):
    got = decode(_blob(1, failures, success, attempt, result, guid, name))
    assert (got["consecutive_failures"], got["last_result"], got["source_guid"]) == (failures, result, str(guid))
    assert got["last_success"] == dstime(success) and got["last_attempt"] == dstime(attempt)
    assert got["address"] == name.decode("ascii", "replace")


@given(st.binary(max_size=400))
def test_repsfrom_refuses_what_it_cannot_read_with_one_error(data):
    try:
        decode(data)
    except NotRepsFrom:
        pass


def test_repsfrom_refuses_short_and_unknown_versions():
    with pytest.raises(NotRepsFrom, match="at least"):
        decode(b"\x01\0\0\0")
    with pytest.raises(NotRepsFrom, match="version 7"):
        decode(struct.pack("<I", 7) + bytes(300))
    assert dstime(0) is None and dstime(2**63) is None


# --- pastes ------------------------------------------------------------------------------------------------

def _posted(name: str) -> str:
    first, _, rest = (SAMPLES / name).read_text(encoding="utf-8").partition("\n")
    assert first.startswith("# "), f"{name} must say where it was posted"
    return rest


def test_posted_showrepl_csv_fills_the_matrix():
    status = from_paste(_posted("posted_showrepl_csv_checkmk.txt"))
    assert len(status.pairs) == 15 and not status.unreadable and status.exit_code() == EXIT_OK
    assert {p.destination for p in status.pairs} == {"HSHPI220"}
    assert [p.source for p in status.pairs[:4]] == ["SADS055", "SADS008", "SADS015", "SADS003"]
    assert status.pairs[0].naming_context == "CN=Configuration,DC=internal"  # the quoted comma kept
    assert status.pairs[-1].naming_context == "DC=internal"
    first = status.pairs[0]
    assert (first.last_success, first.last_attempt, first.consecutive_failures) == ("2015-07-07 09:15:37",
                                                                                    "2015-07-07 09:15:37", 0)
    sources, rows = report.matrix(status)
    assert sources == ["SADS055", "SADS008", "SADS015", "SADS003"] and rows == [["HSHPI220", "ok", "ok", "ok", "ok"]]


def test_posted_replsum_fills_the_matrix_one_side_each():
    status = from_paste(_posted("posted_replsum_1722_blank_lines.txt"))
    failing = [(p.destination, p.source, p.last_result, p.symptom) for p in status.failing]
    assert failing == [("*", "KZ-S-EUR0222", 1722, "rpc-unavailable-1722"),
                       ("XF-S-EUR0004", "*", 1722, "rpc-unavailable-1722")]
    assert status.exit_code() == EXIT_CAUSE


GLUED = ('Repadmin: running command /showrepl against full DC dc1.contoso.com\n'
         'showrepl_COLUMNS,Destination DSA Site,Destination DSA,Naming Context,Source DSA Site,Source DSA,'
         'Transport Type,Number of Failures,Last Failure Time,Last Success Time,Last Failure Status\n'
         'showrepl_INFO,Site1,DC1,"DC=contoso,DC=com",Site1,DC2,RPC,12,2024-01-02 03:04:05,'
         '2023-12-30 10:00:00,1753 showrepl_INFO,Site1,DC1,"CN=Configuration,DC=contoso,DC=com",Site1,DC2,RPC,0,0,\n'
         '2024-01-02 03:00:00,0\n'
         'showrepl_ERROR,dc3.contoso.com,LDAP error 81 (Server Down) Win32 Err 58.\n')


def test_rows_glued_together_or_wrapped_come_apart_and_errors_are_unreadable_dcs():
    status = from_paste(GLUED)
    assert [(p.naming_context, p.last_result, p.consecutive_failures) for p in status.pairs] == [
        ("DC=contoso,DC=com", 1753, 12), ("CN=Configuration,DC=contoso,DC=com", 0, 0)]
    assert status.pairs[0].last_attempt == "2024-01-02 03:04:05" and status.pairs[0].symptom == "ad-replication-1753"
    assert status.unreadable == [{"dc": "dc3.contoso.com", "why": "LDAP error 81 (Server Down) Win32 Err 58."}]
    assert status.exit_code() == EXIT_CAUSE


def test_our_csv_reads_back_as_the_same_pairs():
    pairs = [Pair("dc1.lab.example", "dc2.lab.example", "DC=lab,DC=example", 1234, 3, "2026-12-02T09:11:33Z",
                  "2026-12-02T09:11:12Z", "1544ba45-c262-4a8f-b316-1c6f9368f561"),
             Pair("dc1.lab.example", "dc2.lab.example", "CN=Configuration,DC=lab,DC=example", 0, 0,
                  "2026-12-02T09:11:12Z", "2026-12-02T09:11:12Z")]
    again = from_paste(report.to_csv(Replication(Status("lab.example", pairs))))
    assert [(p.destination, p.source, p.naming_context, p.last_result, p.consecutive_failures, p.last_success)
            for p in again.pairs] == [("DC1", "DC2", "DC=lab,DC=example", 1234, 3, "2026-12-02 09:11:12"),
                                      ("DC1", "DC2", "CN=Configuration,DC=lab,DC=example", 0, 0, "2026-12-02 09:11:12")]


def test_pair_json_has_exactly_the_issue_fields():
    pair = Pair("dc1", "dc2", "DC=x", 64, 1, None, None, "1544ba45-c262-4a8f-b316-1c6f9368f561")
    got = pair.to_dict()
    assert tuple(got) == JSON_FIELDS
    assert (got["last_result"], got["symptom"]) == (64, "ad-replication-1753")
    assert "no longer available" in got["last_result_text"]


@pytest.mark.parametrize("code, symptom", [(0, None), (1753, "ad-replication-1753"), (8524, "ad-replication-1753"),
                                           (1722, "rpc-unavailable-1722"), (1256, "rpc-unavailable-1722"),
                                           (-2146893022, "target-principal-2146893022"), (8453, None), (5, None),
                                           (8614, None)])
def test_each_code_opens_the_tree_that_examines_it(code, symptom):
    assert for_replication_result(code) == symptom


def test_exit_codes_failing_before_unreadable_before_healthy():
    ok, bad = Pair("a", "b", "DC=x", 0), Pair("a", "c", "DC=x", 1722, 2)
    assert Status("f", [ok]).exit_code() == EXIT_OK
    assert Status("f", [ok], [{"dc": "d", "why": "silent"}]).exit_code() == EXIT_UNSURE
    assert Status("f", [ok, bad], [{"dc": "d", "why": "silent"}]).exit_code() == EXIT_CAUSE
    assert Status("f").exit_code() == EXIT_UNSURE
    assert Status("f", [ok, bad]).worst("A") is bad


@pytest.mark.parametrize("text", ['showrepl_INFO,"' + ' "' * 100_000, "showrepl_INFO," * 50_000,
                                  "showrepl_INFO,a,b,c\n" * 30_000, 'showrepl_INFO,"\n' + "x\n" * 200_000],
                         ids=["endless-quote", "tags-only", "short-rows", "quote-then-many-lines"])
def test_hostile_csv_stays_linear(text):
    start = time.perf_counter()
    showrepl_csv.rows(text)
    assert time.perf_counter() - start < 5
