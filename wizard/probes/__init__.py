"""Live probes (I/O). Each is bounded by a timeout and reports network trouble as an outcome."""
