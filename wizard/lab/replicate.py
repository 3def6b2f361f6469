"""Replication now, so that a fault shows in what the DCs record: DC1 pulls a naming context from DC2
(`samba-tool drs replicate dc1 dc2 NC`, run in DC1's namespace, as Samba's admin), and DC1's repsFrom for
that naming context records the result, the consecutive failures and the time.

What Samba records where Windows records another code (seen on this lab, Samba 4.17):
- ds-stopped (DRS not registered on DC2): 64 WERR_NETNAME_DELETED on the first attempt, then 1234
  WERR_PORT_UNREACHABLE; Windows records 1753.
- stale-a-record (MEMBER1, with no DRS, answers at DC2's address): 1234; Windows records 1753.
- epm-blocked, dynamic-blocked (packets dropped): 121 WERR_SEM_TIMEOUT; Windows records 1722.
Two things make those attempts quick and certain:
- a dropped SYN is retried for about two minutes by default; DC1's namespace gets net.ipv4.tcp_syn_retries=2
  (about 7 s), which only shortens how long DC1 waits for a dead host;
- Samba's replication service keeps the DRS port it mapped last and connects there without asking the
  endpoint mapper again, so with only TCP 135 blocked it still replicates. `forget` restarts DC1's Samba
  first, as a Windows DC forgets an endpoint when its RPC runtime's cache ages out.
"""

from __future__ import annotations

from wizard.lab import services
from wizard.lab.provision import smb_conf
from wizard.lab.runner import admin_env, host_argv, netns_argv, run
from wizard.lab.topology import ADMIN_USER, DC1, DC2, FOREST, STATE_DIR

DOMAIN_NC = "DC=" + ",DC=".join(FOREST.split("."))
# fault -> (what DC1 records when it pulls from DC2, what a Windows DC records instead): `lab faults` prints it
RECORDED_CODES = {
    "ds-stopped": ("64 WERR_NETNAME_DELETED, then 1234 WERR_PORT_UNREACHABLE", "1753"),
    "stale-a-record": ("1234 WERR_PORT_UNREACHABLE", "1753"),
    "epm-blocked": ("121 WERR_SEM_TIMEOUT (after `lab replicate --forget`)", "1722"),
    "dynamic-blocked": ("121 WERR_SEM_TIMEOUT", "1722"),
}


def replicate(nc: str = DOMAIN_NC, forget: bool = False) -> str:
    """DC1 pulls `nc` from DC2 now; what samba-tool said (its last line). A failure is the point, not an error."""
    run(netns_argv(DC1.netns, ["sysctl", "-qw", "net.ipv4.tcp_syn_retries=2"]), timeout=10)
    if forget:
        services.stop_host(DC1)
        services.start_dc(DC1)
    argv = ["samba-tool", "drs", "replicate", DC1.name, DC2.name, nc, "-s", str(smb_conf(DC1)),
            f"--username={ADMIN_USER}"]  # the password comes from PASSWD (admin_env), never argv
    proc = run(host_argv(DC1, argv), env=admin_env(), timeout=90, check=False, log_file=STATE_DIR / "faults.log")
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    failed = next((line for line in lines if "failed" in line.lower()), "")
    return (failed or (lines[-1] if lines else "")).strip()
