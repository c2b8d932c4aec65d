"""The `contactbot` command line: the parser in main.py and one module per command group."""
