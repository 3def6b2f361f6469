"""Reusable widgets of the wizard's TUI: the RPC workflow, the name chain, a step's evidence."""
