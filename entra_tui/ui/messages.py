"""Messages thread workers post back to the main screen; its handlers own the UI state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from entra_tui.core.history import InspectedToken
    from entra_tui.core.results import AcquireResult
    from entra_tui.core.runs import ProfileRun
    from entra_tui.core.session import DeviceCodePrompt
    from entra_tui.core.token import DecodedToken
    from entra_tui.core.verify import Verification


class AcquisitionFinished(Message):
    """A worker's request for `run` ended: `result` is a token or an error. The access token
    arrives decoded (`token`), or with why it cannot be (`decode_error`: some resources issue
    opaque tokens), so the UI thread never parses it. `before`: after a claims challenge, the
    token the new one is shown against (as the request was made)."""

    def __init__(self, run: ProfileRun, result: AcquireResult,
                 token: DecodedToken | None = None, decode_error: str | None = None,
                 before: InspectedToken | None = None) -> None:
        super().__init__()
        self.run = run
        self.result = result
        self.token = token
        self.decode_error = decode_error
        self.before = before

    @classmethod
    def decoded(cls, run: ProfileRun, result: AcquireResult,
                before: InspectedToken | None = None) -> AcquisitionFinished:
        """The message for `result`, its access token decoded here (in the worker)."""
        if not result.ok:
            return cls(run, result, before=before)
        from entra_tui.core.errors import TokenDecodeError
        from entra_tui.core.token import decode_token

        try:
            return cls(run, result, decode_token(result.access_token or ""), before=before)
        except TokenDecodeError as exc:
            return cls(run, result, decode_error=str(exc), before=before)


class VerificationDone(Message):
    """A worker finished checking the signature of history entry `entry_id`."""

    def __init__(self, entry_id: int, verification: Verification) -> None:
        super().__init__()
        self.entry_id = entry_id
        self.verification = verification


class DeviceCodeShown(Message):
    """A device-code flow needs the user: show the code; the run's cancel event stops it."""

    def __init__(self, run: ProfileRun, prompt: DeviceCodePrompt) -> None:
        super().__init__()
        self.run = run
        self.prompt = prompt


class SignInUrlShown(Message):
    """A browser sign-in could not open a browser: the user must open `url` themselves."""

    def __init__(self, run: ProfileRun, url: str) -> None:
        super().__init__()
        self.run = run
        self.url = url
