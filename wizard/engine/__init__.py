"""Pure diagnosis core: flow data model, validation and the walk. No I/O, no Textual."""
