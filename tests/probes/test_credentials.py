"""KRB5CCNAME in its usual forms (issue 11, case 7): FILE:/path and a bare path are read; caches
that live outside files (KCM:, API:, KEYRING:, MEMORY:, ...) are refused with one clear line.
No lab, no network."""

from __future__ import annotations

import pytest

from wizard import WizardError
from wizard.cli.credentials import PASSWORD_ENV, credentials_for

USER = "LAB\\Administrator"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    path = tmp_path / "krb5cc_1000"
    path.write_bytes(b"\x05\x04")
    return path


@pytest.mark.parametrize("form", ["FILE:{}", "{}"])
def test_file_caches_are_read_by_their_plain_path(cache, monkeypatch, form):
    monkeypatch.setenv("KRB5CCNAME", form.format(cache))
    creds = credentials_for(USER, interactive=False)
    assert creds.ccache == str(cache)
    assert creds.password == ""


@pytest.mark.parametrize("value", ["KCM:", "KCM:1000", "API:1000", "KEYRING:persistent:1000", "MEMORY:x",
                                   "MSLSA:", "DIR:/run/user/1000/krb5cc"])
def test_caches_outside_a_file_are_refused_clearly(cache, monkeypatch, value):
    monkeypatch.setenv("KRB5CCNAME", value)
    with pytest.raises(WizardError) as caught:
        credentials_for(USER, interactive=False)
    message = str(caught.value)
    assert value.split(":")[0] + ":" in message and "cannot be read" in message
    assert "kinit -c FILE:" in message  # how to get a file cache instead
    assert "\n" not in message


def test_a_missing_cache_file_is_bad_input(tmp_path, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    monkeypatch.setenv("KRB5CCNAME", f"FILE:{tmp_path / 'nothing-here'}")
    with pytest.raises(WizardError, match="no ticket cache"):
        credentials_for(USER, interactive=False)


def test_the_password_variable_still_wins(cache, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "secret")
    monkeypatch.setenv("KRB5CCNAME", "KCM:")
    creds = credentials_for(USER, interactive=False)
    assert creds.password == "secret" and creds.ccache is None
