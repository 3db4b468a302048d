"""`python -m entra_tui` is the same as the `entra-tui` command."""

from entra_tui.cli import main

raise SystemExit(main())
