"""``python -m redactlens``: the same command line as ``redactlens``."""
from .cli import main

if __name__ == "__main__":
    main(prog_name="redactlens")
