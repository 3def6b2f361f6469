import json

from wizard.cli import main


def test_parse_json(sample, tmp_path, capsys):
    path = tmp_path / "netsetup.log"
    path.write_bytes(sample("netsetup_0x6d9.log").replace("\n", "\r\n").encode("utf-16"))
    assert main(["parse", str(path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["kind"], out["errors"], out["symptoms"]) == ("netsetup-log", [1753, 2224], ["domain-join-0x6d9"])
    assert out["context"] == {"target": "DC1.CONTOSO.COM", "dest": "APP_SRV", "forest": "contoso.com"}


def test_parse_text_output(sample, tmp_path, capsys):
    path = tmp_path / "dcdiag.txt"
    path.write_text(sample("dcdiag_1753.txt"))
    assert main(["parse", str(path)]) == 0
    out = capsys.readouterr().out
    assert "kind:      dcdiag" in out and "EPT_S_NOT_REGISTERED" in out and "target=CONTOSO-DC2" in out


def test_parse_stdin_unknown(monkeypatch, capsys):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"just some words\n")))
    assert main(["parse", "-"]) == 2
    assert "kind:      unknown" in capsys.readouterr().out


def test_parse_bad_input_is_one_line(tmp_path, capsys):
    assert main(["parse", str(tmp_path / "missing.txt")]) == 3
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    assert main(["parse", str(empty)]) == 3
    assert main(["parse", str(tmp_path)]) == 3  # a directory
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (64 * 1024 * 1024 + 10))
    assert main(["parse", str(big)]) == 3
    errors = capsys.readouterr().err.strip().split("\n")
    assert len(errors) == 4 and all(e.startswith("rpc-wizard: error:") for e in errors)
