"""rpc-wizard: from an RPC endpoint-mapper symptom to a cited root cause."""

__version__ = "0.1.0"


class WizardError(Exception):
    """Bad input or usage: the message is one line, shown to the person as it is."""
