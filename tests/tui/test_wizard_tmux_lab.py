"""The real wizard in a real terminal (tmux, 120x40, xterm-256color) in the lab's client namespace,
driven by key presses only: from the start screen to a cited cause, and back a step to change an answer.

The app runs under `ip netns exec <client namespace>` (tmux's server is a process of its own, not
the test's thread in the namespace), and its exit code is written to a file when it quits."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from wizard.engine.loader import load_flows

pytestmark = pytest.mark.lab

IN_CI = os.environ.get("CI", "").lower() == "true"
WIDTH, HEIGHT = 120, 40
WIZARD = os.path.join(os.path.dirname(os.path.abspath(sys.executable)), "rpc-wizard")
FLOW = load_flows().flow("ad-replication-1753")
STALE_DNS = FLOW.causes["stale-dns-record"]
STALE_HOSTS = FLOW.causes["stale-hosts-entry"]

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
BOX = "│╭╮╰╯─"


def words(text: str) -> str:
    return " ".join(text.split())


def cause_pane(screen: str) -> str:
    """The result screen's left pane (the cause, its quotes, the fixes) as one line of words: what is
    left of the pane border, box characters dropped, so wrapped titles and quotes read whole."""
    lines = [line.split("▏", 1)[0].strip().strip(BOX) for line in screen.splitlines()]
    return words(" ".join(lines))


def backgrounds(escaped_line: str) -> tuple[str, list[str]]:
    """A line captured with its escape sequences: its visible text, and the background colour (an SGR
    parameter string) of each character."""
    text, colours, background, at = [], [], "default", 0
    for match in SGR.finditer(escaped_line + "\x1b[m"):
        for char in escaped_line[at:match.start()]:
            text.append(char)
            colours.append(background)
        at = match.end()
        codes = match.group(1).replace(":", ";").split(";") if match.group(1) else ["0"]
        i = 0
        while i < len(codes):
            code = codes[i]
            if code in ("", "0", "49"):
                background = "default"
            elif code.isdigit() and (40 <= int(code) <= 47 or 100 <= int(code) <= 107):
                background = code
            elif code in ("38", "48"):
                width = 3 if codes[i + 1:i + 2] == ["5"] else 5
                if code == "48":
                    background = ";".join(codes[i:i + width])
                i += width - 1
            i += 1
    return "".join(text), colours


class Terminal:
    """One tmux server (its own socket, in the test's temporary directory) with one session running
    the wizard."""

    def __init__(self, directory: Path) -> None:
        self.socket, self.exit_file = str(directory / "tmux.sock"), directory / "exit-code"

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", self.socket, "-f", "/dev/null", *args],
                              check=False, capture_output=True, text=True, timeout=10).stdout

    def start(self, *args: str) -> None:
        from wizard.lab import CLIENT_NS

        app = shlex.join(["ip", "netns", "exec", CLIENT_NS, "env", "TERM=xterm-256color", WIZARD, *args])
        exit_file = shlex.quote(str(self.exit_file))
        # the exit code to a file; the pane stays a while so a crash's traceback can be captured
        command = f"{app}; echo $? > {exit_file}.part && mv {exit_file}.part {exit_file}; sleep 120"
        env = {k: v for k, v in os.environ.items() if k not in ("RPC_WIZARD_PASSWORD", "TMUX")}
        subprocess.run(["tmux", "-S", self.socket, "-f", "/dev/null", "new-session", "-d", "-s", "wizard",
                        "-x", str(WIDTH), "-y", str(HEIGHT), command], check=True, env=env, timeout=10)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "wizard", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "wizard", "-l", text)

    def screen(self, escapes: bool = False) -> str:
        return self.tmux("capture-pane", "-p", *(["-e"] if escapes else []), "-t", "wizard")

    def cursor_row(self) -> int:
        """The terminal cursor's row: Textual puts it at the focused input's cursor."""
        out = self.tmux("display-message", "-p", "-t", "wizard", "#{cursor_y}").strip()
        return int(out) if out.isdigit() else -1

    def wait(self, ready: Callable[[str], bool], what: str, seconds: float = 20) -> str:
        """Poll the screen until `ready(screen)`; fail with the screen after `seconds`."""
        deadline = time.monotonic() + seconds
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if ready(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"waited {seconds:g} s for {what}; the screen:\n{screen}")

    def wait_text(self, *texts: str, seconds: float = 20) -> str:
        return self.wait(lambda s: all(t in s for t in texts), f"{texts!r}", seconds)

    def wait_focus(self, label: str, seconds: float = 10) -> None:
        """Wait until the input of the form field `label` has the focus: the terminal cursor (Textual
        puts it at the focused input's cursor) is on the field's row."""
        def focused(screen: str) -> bool:
            row = _field_row(screen, label)
            return row is not None and self.cursor_row() in (row, row + 2)  # beside the label, or under it
        self.wait(focused, f"the focus on the {label!r} field", seconds)

    def fill(self, label: str, value: str) -> None:
        """Type `value` into the field `label` (once it has the focus) and press Enter (next field)."""
        self.wait_focus(label)
        if value:
            self.type(value)
            self.wait(lambda s: any(value in line for line in _field_rows(s, label)), f"{value!r} in {label!r}")
        self.keys("Enter")

    def highlighted(self, option: str) -> bool:
        """Whether the list option starting with `option` is highlighted: its background differs from
        the list's own, the padding cell just inside the list's left border."""
        for line in self.screen(escapes=True).splitlines():
            text, colours = backgrounds(line)
            at = text.find(option)
            if at >= 0:
                border = text.rfind("▊", 0, at)
                return border >= 0 and colours[at] != colours[border + 1]
        return False

    def exit_code(self, seconds: float = 15) -> int:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.exit_file.exists():
                return int(self.exit_file.read_text().strip())
            time.sleep(0.1)
        raise AssertionError(f"the wizard did not exit within {seconds:g} s; the screen:\n{self.screen()}")


def _field_row(screen: str, label: str) -> int | None:
    """The row of a form field's label: alone on its row (the input under it) or followed by the input."""
    pattern = re.compile(rf"^\s*{re.escape(label)}(\s{{2,}}|$)")
    return next((i for i, line in enumerate(screen.splitlines()) if pattern.match(line)), None)


def _field_rows(screen: str, label: str) -> list[str]:
    """The rows where the field's value shows: the label's row and the two below it."""
    row = _field_row(screen, label)
    return screen.splitlines()[row:row + 3] if row is not None else []


@pytest.fixture
def terminal(tmp_path):
    if not shutil.which("tmux"):
        if IN_CI:
            pytest.fail("CI=true and tmux is not installed", pytrace=False)
        pytest.skip("tmux is not installed")
    term = Terminal(tmp_path)
    try:
        yield term
    finally:
        term.tmux("kill-server")


def on_result(title: str) -> Callable[[str], bool]:
    return lambda screen: "Copy ticket" in screen and title in cause_pane(screen)


def run_to_stale_dns_result(terminal: Terminal) -> str:
    """On the first step: run all checks; the result screen names the stale DNS record."""
    terminal.wait_text("Run all", "dest-guid")
    terminal.keys("a")
    return terminal.wait(on_result(STALE_DNS.title), f"the result {STALE_DNS.id!r}", seconds=60)


def test_from_the_start_screen_to_the_cited_cause(lab, fault, terminal):
    fault("stale-a-record")
    target, dest, dns = lab.hosts["DC2"].fqdn, lab.hosts["DC1"].fqdn, lab.dns_servers[0]
    terminal.start()
    terminal.wait_text("What error do you see?")
    terminal.type("1753")
    screen = terminal.wait(lambda s: "seen in:" in s and any(line.strip("▊▎ ") == "1753" for line in s.splitlines()),
                           "1753 in the search box and the symptoms listed")
    symptoms = [line for line in screen.splitlines() if "fails with" in line]
    assert symptoms and "AD replication fails with error 1753" in symptoms[0], screen
    terminal.keys("Enter")

    terminal.wait_text("Failing computer", "DNS servers", "Start")
    terminal.fill("Target", target)
    terminal.fill("Failing computer", dest)
    terminal.fill("Forest root", "")
    terminal.fill("NTDS Settings GUID", "")
    terminal.fill("DNS servers", dns)
    terminal.keys("C-s")  # the form's own key, wherever the focus is; the keys arrive in order

    screen = run_to_stale_dns_result(terminal)
    pane = cause_pane(screen)
    assert STALE_DNS.id in pane, screen
    assert f"“{words(STALE_DNS.citations[0].quote)}”" in pane, f"no quote from the document:\n{screen}"
    assert "target dc2.lab.example" in screen.splitlines()[0], screen  # the header names the target

    terminal.keys("C-q")
    assert terminal.exit_code() == 1  # a cause was found


def test_back_a_step_and_answer_it_myself(lab, fault, terminal):
    fault("stale-a-record")
    terminal.start("tui", "--symptom", "ad-replication-1753", "--target", lab.hosts["DC2"].fqdn,
                   "--dest", lab.hosts["DC1"].fqdn, "--dns-server", lab.dns_servers[0])
    run_to_stale_dns_result(terminal)

    terminal.keys("b")  # back a step: the step that chose DNS over a hosts file
    terminal.wait(lambda s: "Where did the wrong" in s and "Answer myself" in s
                  and any("▶" in line and "mapping-source" in line for line in s.splitlines()),
                  "the step mapping-source, current again")
    terminal.keys("m")
    terminal.wait_text("What did you find?", "hosts-file  →", "dns  →")

    terminal.keys("End")  # the last answer (dns), whatever was highlighted before
    terminal.wait(lambda s: terminal.highlighted("dns  →"), "dns highlighted")
    terminal.keys("Up")
    terminal.wait(lambda s: terminal.highlighted("hosts-file  →") and not terminal.highlighted("dns  →"),
                  "hosts-file highlighted")
    terminal.keys("Enter")

    screen = terminal.wait(on_result(STALE_HOSTS.title), f"the result {STALE_HOSTS.id!r}")
    pane = cause_pane(screen)
    assert STALE_HOSTS.id in pane and STALE_DNS.title not in pane, screen
    assert f"“{words(STALE_HOSTS.citations[0].quote)}”" in pane, f"no quote from the document:\n{screen}"

    terminal.keys("C-q")
    assert terminal.exit_code() == 1
