"""`lab up` and `lab down`: build the whole lab step by step, and remove every trace of it."""

from __future__ import annotations

import shutil

import dns.exception
import dns.resolver

from wizard.lab import dnsrecords, faults, hostfiles, netns, provision, registry, services, state, status
from wizard.lab.runner import LabError, Log, Steps
from wizard.lab.topology import ALL_NETNS, CLIENT_NS, DC1, DC2, EXCH1, HOSTS, MEMBER1, STATE_DIR


def _create_network() -> None:
    netns.create_client()
    for spec in HOSTS:
        netns.create_host(spec)


def _prepare_files() -> None:
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    STATE_DIR.chmod(0o700)  # holds the domain's secrets
    for spec in HOSTS:
        provision.prepare_dirs(spec)
    hostfiles.write_base()


def _provision_dc1() -> None:
    provision.provision_dc1()
    hostfiles.install_krb5_conf(DC1.dir / "private" / "krb5.conf")


def _start_small_hosts() -> None:
    provision.write_member_conf(MEMBER1)
    services.start_member(MEMBER1)
    provision.write_member_conf(EXCH1, admin=True)
    services.start_member(EXCH1, netbios=False)
    services.start_listeners()


def _windows_registry() -> None:
    """What a healthy Windows network has and Samba does not: EXCH1's A record and RpcProxy ValidPorts,
    the DCs' five ClientProtocols values."""
    dnsrecords.set_a(EXCH1.name, EXCH1.address)
    registry.set_valid_ports()
    registry.set_client_protocols()


def _dns_answers(name: str, rdtype: str) -> list[str]:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [DC1.address]
    resolver.lifetime = 3
    try:
        return [r.to_text().rstrip(".").lower() for r in resolver.resolve(name, rdtype)]
    except dns.exception.DNSException:
        return []


def check_dns() -> None:
    """DC2's A record and its GUID's CNAME, as the client sees them through DC1."""
    guid = state.load()["guids"]["DC2"]
    with netns.in_netns(CLIENT_NS):
        a = _dns_answers(DC2.fqdn, "A")
        cname = _dns_answers(f"{guid}.{dnsrecords.MSDCS_ZONE}", "CNAME")
    if a != [DC2.address] or cname != [DC2.fqdn]:
        raise LabError(f"DC2's DNS records are wrong: A {a}, CNAME of {guid} {cname}")


def _record_guids() -> None:
    guids = dnsrecords.ntds_guids()
    missing = [spec.key for spec in (DC1, DC2) if spec.key not in guids]
    if missing:
        raise LabError(f"no NTDS Settings GUID for {missing} in DC1's directory")
    state.save({"fault": None, "guids": {k: guids[k] for k in ("DC1", "DC2")}})


def up(fault: str | None = None, log: Log = print) -> status.LabInfo:
    """Build the lab (or reuse a healthy one), then apply `fault` if given."""
    if fault is not None:
        faults.check_name(fault)
    if status.status() is not None and not status.problems():
        log("lab is already up")
    else:
        if any(netns.exists(ns) for ns in ALL_NETNS) or STATE_DIR.exists():
            log("removing the remains of an earlier lab")
            down(log=lambda _msg: None)
        steps = Steps(log)
        steps.run("network namespaces, bridge and links", _create_network)
        steps.run("per-host files", _prepare_files)
        steps.run("DC1: provision forest lab.example", _provision_dc1)
        steps.run("DC1: start samba", lambda: services.start_dc(DC1))
        steps.run("MEMBER1 and EXCH1: start", _start_small_hosts)
        steps.run("DC2: join lab.example as a DC", lambda: provision.join_dc2(DC2))
        steps.run("DC2: start samba", lambda: services.start_dc(DC2))
        steps.run("DC2: register DNS records on DC1", dnsrecords.register_dc2)
        steps.run("EXCH1 and DC2: Windows registry values, EXCH1's A record", _windows_registry)
        steps.run("read NTDS Settings GUIDs", _record_guids)
        steps.run("check DC2's DNS records from the client", check_dns)
    if fault is not None:
        faults.apply_fault(fault)
        log(f"fault applied: {fault}")
    info = status.status()
    if info is None:
        raise LabError("the lab came up but its state cannot be read")
    return info


def down(log: Log = print) -> None:
    """Stop every lab process and remove namespaces, per-host files and the state directory."""
    inside = [ns for ns in ALL_NETNS if netns.exists(ns) and netns.thread_in(ns)]
    if inside:
        raise LabError(f"this thread is inside {inside[0]}: leave it before taking the lab down")
    for ns in reversed(ALL_NETNS):
        if netns.exists(ns):
            netns.delete(ns)
            log(f"removed namespace {ns}")
    hostfiles.remove_all()
    shutil.rmtree(STATE_DIR, ignore_errors=True)
    netns.release_netns_dir()
    log("lab is down")
