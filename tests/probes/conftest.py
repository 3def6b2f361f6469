"""Sessions for the probe tests on the lab: without an account, and signed in as the lab's administrator."""

from __future__ import annotations

import pytest
from machine_speed import busy_timeout

from wizard.probes.session import Credentials, Session

TIMEOUT = busy_timeout(3.0)  # the product's default on an idle machine; Samba answers late on a busy one


@pytest.fixture
def session(lab):
    return Session(timeout=TIMEOUT)


@pytest.fixture
def admin(lab):
    return Session(timeout=TIMEOUT, credentials=Credentials(lab.admin_user, lab.admin_password))
