"""Messages thread workers post back to the app; handlers on the app own the UI state."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from entra_tui.core.results import AcquireResult
    from entra_tui.core.session import DeviceCodePrompt
    from entra_tui.core.verify import Verification


class TokenAcquired(Message):
    """A worker got a token for a profile (from the identity provider or MSAL's cache)."""

    def __init__(self, result: AcquireResult) -> None:
        super().__init__()
        self.result = result


class AcquireFailed(Message):
    """A worker's acquisition failed; `result.error` says why."""

    def __init__(self, result: AcquireResult) -> None:
        super().__init__()
        self.result = result


class VerificationDone(Message):
    """A worker finished checking the signature of history entry `entry_id`."""

    def __init__(self, entry_id: int, verification: Verification) -> None:
        super().__init__()
        self.entry_id = entry_id
        self.verification = verification


class DeviceCodeShown(Message):
    """A device-code flow needs the user: show the code; `cancel` stops the worker."""

    def __init__(self, profile_name: str, prompt: DeviceCodePrompt,
                 cancel: threading.Event) -> None:
        super().__init__()
        self.profile_name = profile_name
        self.prompt = prompt
        self.cancel = cancel


class SignInUrlShown(Message):
    """A browser sign-in could not open a browser: the user must open `url` themselves."""

    def __init__(self, profile_name: str, url: str) -> None:
        super().__init__()
        self.profile_name = profile_name
        self.url = url
