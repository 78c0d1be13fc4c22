"""`python -m sandbox.demo`: the same as `newsdesk demo`, usable before the CLI knows it."""

import argparse

from sandbox.demo.command import DESCRIPTION, add_demo_arguments, demo_main

parser = argparse.ArgumentParser(prog="python -m sandbox.demo", description=DESCRIPTION)
parser.add_argument(
    "--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
)
add_demo_arguments(parser)
raise SystemExit(demo_main(parser.parse_args()))
