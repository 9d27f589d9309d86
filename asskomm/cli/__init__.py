"""Command line: ``python -m asskomm COMMAND``; one module per command group, dispatched by ``main``."""
