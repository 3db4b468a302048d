"""Working with the token shown on the main screen: copy it (or a header, curl command, ID
token or claim), paste one in, view it raw, verify its signature, report on it, and hide
personal data while presenting.

Every action here needs a token; the screen's `check_action` dims them in the footer while
there is none, and `need_token` says so if one is pressed anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from entra_tui.core.expectations import Expectations
from entra_tui.core.safe_text import safe_text
from entra_tui.ui.main_keys import key_hint
from entra_tui.ui.messages import VerificationDone

if TYPE_CHECKING:
    from pathlib import Path

    from entra_tui.core.history import InspectedToken
    from entra_tui.core.token import DecodedToken
    from entra_tui.core.verify import KeyFetcher, Verification
    from entra_tui.ui.screens.main import MainScreen


class Inspection:
    """The shown token's keys (copy, paste, raw, verify, report), run for `screen`."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self._key_fetcher: KeyFetcher | None = None

    def need_token(self) -> InspectedToken | None:
        screen = self.screen
        if screen.viewing is None:
            screen.notify(f"No token shown: acquire one ({key_hint(screen.app, 'token.acquire')})"
                          f" or paste one ({key_hint(screen.app, 'inspect.paste')}).",
                          severity="warning")
        return screen.viewing

    # --- clipboard ----------------------------------------------------------------------
    def copy_token(self) -> None:
        screen = self.screen
        run = screen.current_run
        if run is not None and run.working and run.sign_in_url is not None:
            screen.entra.copy_secret_text(run.sign_in_url, "Sign-in URL")
            return
        entry = screen.viewing
        if entry is None:
            screen.notify(f"No token to copy yet: press {key_hint(screen.app, 'token.acquire')}"
                          " to acquire one.", severity="warning")
            return
        screen.entra.copy_secret_text(entry.token.raw,
                                      "Access token" if entry.profile_name else "Token")

    def copy_header(self) -> None:
        entry = self.need_token()
        if entry is not None:
            self.screen.entra.copy_secret_text(f"Authorization: Bearer {entry.token.raw}",
                                               "Authorization header")

    def copy_id_token(self) -> None:
        screen = self.screen
        run = screen.current_run
        result = run.token if run else None
        if result is None or not result.id_token:
            screen.notify("No ID token: only user sign-ins (device code, browser, password) "
                          "return one.", severity="warning")
            return
        screen.entra.copy_secret_text(result.id_token, "ID token")

    def copy_curl(self) -> None:
        entry = self.need_token()
        if entry is not None:
            from entra_tui.core.curl import curl_command

            command = curl_command(entry.token, self.screen.source_profile(entry))
            self.screen.entra.copy_secret_text(command, "curl command")

    def copy_claim(self) -> None:
        entry = self.need_token()
        if entry is None:
            return
        name = self.screen.claims_table.selected_claim
        if name is None:
            return
        value = entry.token.claims.get(name)
        import json

        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        self.screen.entra.copy_secret_text(text, f"Claim {safe_text(name)}")

    # --- tokens from elsewhere ------------------------------------------------------------
    def paste(self, text: str = "") -> None:
        from entra_tui.ui.screens.paste_dialog import PasteDialog  # lazily: TextArea is heavy

        self.screen.app.push_screen(PasteDialog(text), self._pasted)

    def inspect_clipboard(self) -> None:
        text = self.screen.entra.system_clipboard.paste()
        if text is None:
            self.screen.notify(f"No system clipboard here: press "
                               f"{key_hint(self.screen.app, 'inspect.paste')} and paste with "
                               "your terminal.", severity="warning")
            return
        self.paste(text)

    def _pasted(self, pasted: tuple[Any, DecodedToken] | Any | None) -> None:
        from entra_tui.core.claims_challenge import ClaimsChallenge

        if isinstance(pasted, ClaimsChallenge):  # a WWW-Authenticate header: challenge_view
            self.screen.wire.claims_challenge(pasted)
        elif pasted is not None:
            found, token = pasted
            self.screen.inspect(token, f"pasted ({found.found_in})")

    # --- views ----------------------------------------------------------------------------
    def raw_view(self) -> None:
        entry = self.need_token()
        if entry is not None:
            from entra_tui.ui.screens.raw_view import RawView  # lazily: pulls in Pygments

            self.screen.app.push_screen(RawView(entry.token, self.screen.masker))

    def toggle_presentation(self) -> None:
        screen = self.screen
        screen.presentation = not screen.presentation
        screen.notify("Presentation mode: e-mail addresses, UPNs, names, IP addresses and "
                      "object ids are hidden. m shows them again." if screen.presentation else
                      "Presentation mode off.")

    # --- verification ---------------------------------------------------------------------
    def verify(self) -> None:
        entry = self.need_token()
        if entry is None or entry.id in self.screen.verifying:
            return
        profile = self.screen.source_profile(entry)
        authority = profile.authority_host if profile else None
        self._start_verification(entry, lambda: self.key_fetcher.verify(entry.token, authority))

    def verify_with_file(self) -> None:
        entry = self.need_token()
        if entry is None:
            return

        def chosen(path: Path | None) -> None:
            if path is not None:
                from entra_tui.core.verify import verify_with_file

                self._start_verification(entry, lambda: verify_with_file(entry.token, path))

        from entra_tui.ui.screens.file_prompt import FilePrompt

        self.screen.app.push_screen(
            FilePrompt("Path of a JWKS (JSON) or PEM key/certificate file:"), chosen)

    @property
    def key_fetcher(self) -> KeyFetcher:
        """Made on first use; trusts every profile's authority for fetching keys."""
        if self._key_fetcher is None:
            from entra_tui.core.verify import KeyFetcher

            self._key_fetcher = KeyFetcher()
        profile_set = self.screen.entra.profile_set
        for profile in profile_set.profiles if profile_set else ():
            self._key_fetcher.trust(profile.authority_host, profile.ca_bundle)
        return self._key_fetcher

    def _start_verification(self, entry: InspectedToken,
                            check: Callable[[], Verification]) -> None:
        screen = self.screen
        screen.verifying.add(entry.id)
        screen.render_summary()

        def work() -> None:
            screen.post_message(VerificationDone(entry.id, check()))

        screen.run_worker(work, thread=True, group="verify", exit_on_error=False,
                          description="verify signature")

    def verification_done(self, message: VerificationDone) -> None:
        screen = self.screen
        screen.verifying.discard(message.entry_id)
        target = screen.history.find(message.entry_id)
        if target is not None:
            target.verification = message.verification
        screen.render_summary()
        # Said briefly too: the summary's Signature line may be out of sight (a small pane).
        verification = message.verification
        state = verification.state.value
        note = f"Signature: {state}: {verification.reason}"
        masker = screen.masker
        severity: Literal["information", "warning", "error"] = (
            "information" if state == "verified" else "error" if state == "failed"
            else "warning")
        screen.app.notify(masker.apply(note) if masker is not None else note, timeout=6,
                          severity=severity)

    def validation_report(self) -> None:
        entry = self.need_token()
        if entry is None:
            return
        screen = self.screen
        profile = screen.current
        expect = profile.expect if profile else Expectations()
        from entra_tui.core.validation import profile_context, validation_report

        source = self.screen.source_profile(entry)
        context = profile_context(source or profile, entry.token, source is not None)
        report = validation_report(entry.token, expect, screen.entra.clock(), entry.verification,
                                   **context)
        subject = (f"{entry.origin}, checked against what profile {profile.name} expects"
                   if profile else f"{entry.origin} (no profile selected)")
        note = "" if not expect.empty else (
            "This profile declares no expectations, so only times and the signature are "
            "checked. Add a [profiles.NAME.expect] table (see the README).")
        from entra_tui.ui.screens.report_view import ReportView

        authority = source.authority_host if source else None

        def rebuild(verification: Verification) -> list[Any]:
            """v in the report: the verdict becomes the token's (as v here), then the
            report is checked again with it."""
            entry.verification = verification
            screen.render_summary()
            return validation_report(entry.token, expect, screen.entra.clock(), verification,
                                     **context)

        screen.app.push_screen(ReportView(
            report, subject, note, rebuild=rebuild,
            verify=lambda: self.key_fetcher.verify(entry.token, authority)))
