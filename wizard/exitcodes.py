"""Exit codes of every command, in one place: they are a contract (README).

0 nothing wrong (no fault found; the check ran; something was recognised), 1 a root cause was found
(or a lab/flows check failed), 2 could not tell (inconclusive; nothing recognised; the probe could not
run), 3 bad input or usage, 130 interrupted, 141 output into a closed pipe (128 + SIGPIPE, as the shell
reports for `git log | head -1`). `check tcp_ports` exits as portqry does (wizard/cli/check_cmd.py).
"""

EXIT_OK = 0
EXIT_CAUSE = 1
EXIT_FAILED = 1  # lab and `flows check`: what was asked for did not happen
EXIT_UNSURE = 2
EXIT_USAGE = 3
EXIT_INTERRUPTED = 130
EXIT_PIPE_CLOSED = 141
