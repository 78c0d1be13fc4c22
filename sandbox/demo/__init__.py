"""The sandbox: `newsdesk demo` runs the real bot against a local Telegram with a web view.

See `runner` for what runs, `view` and `render` for what the page shows, `web` for the server.
"""

from sandbox.demo.command import DESCRIPTION, add_demo_arguments, demo_main
from sandbox.demo.runner import Sandbox, open_sandbox, run_demo

__all__ = ["DESCRIPTION", "Sandbox", "add_demo_arguments", "demo_main", "open_sandbox", "run_demo"]
