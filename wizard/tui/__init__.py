"""The Textual wizard: the only package that imports Textual. It drives the core through
wizard.diagnose (what runs next, running it) and wizard.engine.trail (back and forward)."""
