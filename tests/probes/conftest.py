"""Sessions for the probe tests on the lab: without an account, and signed in as the lab's administrator."""

from __future__ import annotations

import pytest

from wizard.probes.base import Credentials, Session

TIMEOUT = 2.0


@pytest.fixture
def session(lab):
    return Session(timeout=TIMEOUT)


@pytest.fixture
def admin(lab):
    return Session(timeout=TIMEOUT, credentials=Credentials(lab.admin_user, lab.admin_password))
