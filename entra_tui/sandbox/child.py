"""`python -m entra_tui.sandbox.child`: serve the sandbox on a socket the parent bound.

Prints "ready" once serving and stops when stdin closes (see `process.py`)."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

from entra_tui.sandbox.process import IDENTITY_HEADER_ENV, READY
from entra_tui.sandbox.runner import Sandbox


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m entra_tui.sandbox.child")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--device-poll-interval", type=int, default=5)
    parser.add_argument("--device-auto-approve-after", type=float)
    parser.add_argument("--sign-in", choices=("auto", "pages"), default="auto")
    args = parser.parse_args()
    sandbox = Sandbox(device_auto_approve_after=args.device_auto_approve_after,
                      device_poll_interval=args.device_poll_interval,
                      state_dir=args.state_dir,
                      identity_header=os.environ.pop(IDENTITY_HEADER_ENV, None),
                      listening=socket.socket(fileno=args.fd), sign_in=args.sign_in)
    sandbox.start()
    print(READY, flush=True)
    sys.stdin.read()  # returns when the parent closes stdin, or dies
    sandbox.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
