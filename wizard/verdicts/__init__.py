"""Verdicts: one rule per check, whatever gathered the evidence. Pure: no I/O, no probes, parsers or TUI.

A live probe (wizard.probes), a pasted output (wizard.parsers.answer) and, later, a network trace each
turn what they saw into the same typed observation and call the same verdict, which gives the outcome,
the one-line summary, the evidence and the facts. `declared.py` says, per catalogued probe, which
observation and verdict it has, its paste reader, evidence renderer, good and bad outcomes, its step in
the RPC workflow picture and its link in the name chain.
"""

from wizard.verdicts.verdict import Verdict

__all__ = ["Verdict"]
