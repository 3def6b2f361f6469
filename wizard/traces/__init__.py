"""Read a network trace (pcap, pcapng) of the failing computer: the RPC calls in it, as they really went.

Pure: no sockets, no Textual. dpkt, dnspython and impacket load only when a trace is read, so the CLI's
--help and the wizard's first frame do not pay for them.
"""

from __future__ import annotations

from pathlib import Path

from wizard import WizardError
from wizard.traces.model import TraceResult

ETL_LINE = ("{file} is an ETL trace (pktmon or netsh trace): rpc-wizard reads pcap and pcapng. Convert it on the "
            "Windows machine: pktmon etl2pcap {name} --out {stem}.pcapng (netsh trace files too, on Windows 10 "
            "2004 or later), then give the .pcapng")


def read_trace(path: str | Path) -> TraceResult:
    """Every RPC call in the capture at `path`, with findings. A WizardError (one line) when the file is no
    capture; a damaged or cut capture gives what could be read and says what was skipped."""
    from wizard.traces.calls import assemble, findings
    from wizard.traces.capture import CaptureError, Stats, read_packets
    from wizard.traces.reader import TraceReader

    path = Path(path)
    if path.suffix.lower() == ".etl":
        raise WizardError(ETL_LINE.format(file=path, name=path.name, stem=path.stem))
    try:
        fh = path.open("rb")
    except IsADirectoryError:
        raise WizardError(f"{path} is a directory, not a capture file") from None
    except OSError as exc:
        raise WizardError(f"cannot read {path}: {exc.strerror or exc}") from None
    stats = Stats()
    reader = TraceReader(stats)
    with fh:
        if not path.is_file():
            raise WizardError(f"{path} is not a regular file (a FIFO or a device): give a capture file")
        try:
            for packet in read_packets(fh, stats):
                try:
                    reader.feed(packet)
                except Exception:  # noqa: BLE001 - one packet no decoder foresaw must not end the reading
                    reader.unreadable += 1
        except CaptureError as exc:
            raise WizardError(f"{path}: {exc}") from None
        except OSError as exc:
            stats.note(f"reading stopped: {exc.strerror or exc}")
    calls = assemble(reader)
    return TraceResult(str(path), stats.format, sorted(stats.link_types), stats.packets, calls, findings(calls),
                       _skipped(stats, reader))


def _skipped(stats, reader) -> list[str]:
    lines = list(stats.notes)
    if stats.truncated:
        lines.append(f"{stats.truncated} packet(s) cut by the capture's snap length: what they lacked was not read")
    for link, count in sorted(stats.skipped_link.items()):
        lines.append(f"{count} packet(s) of link type {link}, which rpc-wizard does not read, were skipped")
    if reader.unreadable:
        lines.append(f"{reader.unreadable} packet(s) could not be decoded and were skipped")
    if reader.untracked:
        lines.append(f"{reader.untracked} connection(s) past the first {len(reader.conns)} were not followed")
    if reader.lost_streams:
        lines.append(f"{reader.lost_streams} DCE/RPC stream direction(s) could not be followed to the end (a gap "
                     "in the capture, or not DCE/RPC after all)")
    return lines
