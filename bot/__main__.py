"""Lets ``python -m bot`` behave exactly like the ``newsdesk`` console script."""

from bot.cli import main

raise SystemExit(main())
