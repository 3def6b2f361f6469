"""Live probes (I/O). Each is bounded by a timeout and reports network trouble as an outcome.

The entry point is `wizard.probes.run.run_probe`; `wizard.engine.catalog` is the pure contract the
engine validates flows against, so importing this package itself loads no network code.
"""
