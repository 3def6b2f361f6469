import pytest

from wizard import WizardError
from wizard.parsers import MAX_BYTES, decode_paste, parse_text
from wizard.parsers.cleanup import clean_text

TEXT = "NetpDoDomainJoin: status: 0x6d9\r\nSome ü text\r\n"


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-16"),  # PowerShell 5 `>`: UTF-16LE with BOM
    TEXT.encode("utf-16-le"),  # the BOM lost by cutting the file
    TEXT.encode("utf-16-be"),
    TEXT.encode("utf-8"), TEXT.encode("utf-8-sig"), TEXT.encode("cp1252"),
])
def test_decode_windows_encodings(data):
    assert decode_paste(data) == TEXT.replace("\r\n", "\n")


def test_decode_refuses_oversize():
    with pytest.raises(WizardError, match=r"^the text is 67,108,865 bytes; the limit is 67,108,864 bytes \(64 MiB\)"):
        decode_paste(b"x" * (MAX_BYTES + 1))


def test_parse_refuses_oversize():
    with pytest.raises(WizardError):
        parse_text("x" * (MAX_BYTES + 1))


def test_markdown_artefacts_removed():
    text = "> ```text\n>     Start Port      : 49152   \n>\n>     Number of Ports : 16384\n> ```\n"
    assert clean_text(text) == "Start Port      : 49152\n\nNumber of Ports : 16384"


def test_blank_line_after_every_line_is_undone():
    original = "a\nb\n\nc\nd"
    doubled = "a\n\nb\n\n\n\nc\n\nd\n"
    assert clean_text(doubled) == original


def test_ordinary_blank_lines_are_kept():
    assert clean_text("a\nb\n\nc") == "a\nb\n\nc"
