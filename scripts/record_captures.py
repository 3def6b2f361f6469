#!/usr/bin/env python3
"""Record the test captures of tests/traces/captures/ in the lab: real clients, real calls, real faults.

For each fault: tcpdump in DC1's namespace, on its eth0 (Ethernet) and on `any` (Linux cooked, which
also holds DC1's loopback: its own DNS and KDC), while `samba-tool drs showrepl dc2.lab.example` runs in
DC1's namespace (a fresh connection: DNS, EPM map of DRS on 135, bind to DRS on the port handed out).
The `any` capture is also written as pcapng (editcap). One more per fault from the client namespace,
with impacket as the client (DNS, ept_map, an NTLM bind to DRS), on the client's bridge.

Run as root with the lab up: RPCW_LAB=c .venv/bin/python scripts/record_captures.py [FAULT ...]
The lab is healed at the end. The lab password reaches the clients through the environment only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wizard.lab import faults  # noqa: E402
from wizard.lab.runner import admin_env, host_argv, netns_argv  # noqa: E402
from wizard.lab.topology import BRIDGE, CLIENT_NS, DC1, DC2  # noqa: E402

OUT = ROOT / "tests" / "traces" / "captures"
FAULTS = ("healthy", "epm-blocked", "epm-refused", "dynamic-blocked", "ds-stopped", "stale-a-record",
          "a-record-other-dc", "no-dns-record")
CLIENT_TIMEOUT = 25  # seconds: a client waiting on a dropped SYN is cut here (the SYN retransmits are in by then)

# impacket as a second client, from the client namespace: resolve dc2 on DC1's DNS, map DRS, bind (NTLM)
IMPACKET_CLIENT = r"""
import os, sys
import dns.resolver
from impacket.dcerpc.v5 import drsuapi, epm, transport
from impacket.dcerpc.v5.rpcrt import RPC_C_AUTHN_LEVEL_PKT_PRIVACY
r = dns.resolver.Resolver(configure=False); r.nameservers = [sys.argv[1]]; r.lifetime = 5
try:
    address = r.resolve("dc2.lab.example", "A")[0].address
except Exception as exc:
    print("dns:", exc); sys.exit(0)
binding = epm.hept_map(address, drsuapi.MSRPC_UUID_DRSUAPI, protocol="ncacn_ip_tcp")
print("mapped", binding)
t = transport.DCERPCTransportFactory(binding)
t.set_connect_timeout(10)
t.setRemoteName("dc2.lab.example")
t.set_credentials("Administrator", os.environ["PASSWD"], "LAB.EXAMPLE")
dce = t.get_dce_rpc()
dce.set_auth_level(RPC_C_AUTHN_LEVEL_PKT_PRIVACY)
dce.connect(); dce.bind(drsuapi.MSRPC_UUID_DRSUAPI)
print("bound")
"""


def record(name: str, netns: str, iface: str, client_argv: list[str], env: dict | None = None) -> Path:
    path = OUT / f"{name}.pcap"
    dump = subprocess.Popen(netns_argv(netns, ["tcpdump", "-i", iface, "-s", "0", "-U", "-w", str(path),
                                               "not arp and not icmp6"]),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)  # tcpdump must be listening before the first packet
    try:
        proc = subprocess.run(["timeout", str(CLIENT_TIMEOUT), *client_argv], env=env, capture_output=True,
                              text=True, timeout=CLIENT_TIMEOUT + 10)
        print(f"  {name}: client exit {proc.returncode}: {(proc.stdout + proc.stderr).strip()[-160:]!r}")
    finally:
        time.sleep(1)
        dump.terminate()
        dump.wait(timeout=10)
    return path


def record_fault(fault: str) -> None:
    print(f"{fault}:")
    if fault == "healthy":
        faults.heal()
    else:
        faults.apply_fault(fault)
    time.sleep(2)
    showrepl = host_argv(DC1, ["samba-tool", "drs", "showrepl", DC2.fqdn, "-U", "Administrator"])
    # both DC1 recordings at once: one client run, two views of it
    eth = OUT / f"{fault}-dc1-eth0.pcap"
    anyf = OUT / f"{fault}-dc1-any.pcap"
    dumps = [subprocess.Popen(netns_argv(DC1.netns, ["tcpdump", "-i", iface, "-s", "0", "-U", "-w", str(path),
                                                     "not arp"]),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for iface, path in (("eth0", eth), ("any", anyf))]
    time.sleep(1.5)
    try:
        proc = subprocess.run(["timeout", str(CLIENT_TIMEOUT), *showrepl], env=admin_env(), capture_output=True,
                              text=True, timeout=CLIENT_TIMEOUT + 10)
        print(f"  samba-tool exit {proc.returncode}: {(proc.stdout + proc.stderr).strip()[-160:]!r}")
    finally:
        time.sleep(1)
        for dump in dumps:
            dump.terminate()
            dump.wait(timeout=10)
    if shutil.which("editcap"):
        subprocess.run(["editcap", "-F", "pcapng", str(anyf), str(anyf.with_suffix(".pcapng"))], check=True)
        anyf.unlink()
    record(f"{fault}-client-impacket", CLIENT_NS, BRIDGE,
           netns_argv(CLIENT_NS, [str(ROOT / ".venv" / "bin" / "python"), "-c", IMPACKET_CLIENT, DC1.address]),
           env=admin_env())


def main(argv: list[str]) -> int:
    if os.geteuid() != 0:
        print("record_captures: run as root with the lab up (RPCW_LAB=... set)", file=sys.stderr)
        return 3
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        for fault in argv or FAULTS:
            record_fault(fault)
    finally:
        faults.heal()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
