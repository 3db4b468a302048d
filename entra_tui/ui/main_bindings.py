"""The main screen's keys: one list, read by the footer, the command palette, the F1 help
and `[ui.keymap]` (each binding's id is the name a user remaps).

Pushed dialogs take all of them out of the key chain: they are the screen's, not the app's.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

BINDINGS: list[BindingType] = [
    Binding("a", "acquire", "Acquire", id="token.acquire"),
    Binding("A", "acquire(True)", "Fresh token", id="token.acquire_fresh",
            tooltip="Skip MSAL's cache and ask the identity provider"),
    Binding("c", "copy_token", "Copy token", id="token.copy"),
    Binding("C", "copy_header", "Copy header", show=False, id="token.copy_header",
            tooltip="Copy an 'Authorization: Bearer ...' header"),
    Binding("i", "copy_id_token", "Copy ID token", show=False, id="token.copy_id"),
    Binding("u", "copy_curl", "Copy as curl", show=False, id="token.copy_curl",
            tooltip="A curl command calling the token's audience (Graph: /me or "
                    "/organization)"),
    Binding("y", "copy_claim", "Copy claim", show=False, id="claims.copy",
            tooltip="Copy the selected claim's value"),
    Binding("f1,question_mark", "help", "Help", id="app.help"),
    Binding("m", "toggle_presentation", "Presentation mode", show=False,
            id="screen.presentation",
            tooltip="Hide e-mail addresses, UPNs, names, IP addresses and object ids for "
                    "screen sharing"),
    Binding("x", "sign_out", "Sign out", show=False, id="token.sign_out",
            tooltip="Clear this profile's cached tokens (memory and disk)"),
    Binding("p", "paste_token", "Paste", id="inspect.paste",
            tooltip="Inspect a token from anywhere: JWT, Bearer value, header or URL"),
    Binding("P", "inspect_clipboard", "Inspect clipboard", show=False,
            id="inspect.clipboard"),
    Binding("v", "verify", "Verify", id="inspect.verify",
            tooltip="Check the signature with the issuer's published keys"),
    Binding("K", "verify_with_file", "Verify with key file", show=False,
            id="inspect.verify_file"),
    Binding("V", "validation_report", "Report", id="inspect.report",
            tooltip="Will the API behind the selected profile accept this token?"),
    Binding("r", "raw_view", "Raw", id="inspect.raw"),
    Binding("H", "health", "Health", show=False, id="doctor.health",
            tooltip="The token doctor: app registration, grants, token version, test call"),
    Binding("T", "test_call", "Test call", show=False, id="doctor.test_call",
            tooltip="One read-only call to the token's API (Graph, ARM or test_url)"),
    Binding("w", "wire_trace", "Wire trace", show=False, id="inspect.trace",
            tooltip="The HTTP exchange of the selected profile's last attempt, redacted"),
    Binding("equals_sign", "diff_previous", "Compare", show=False, id="inspect.diff",
            tooltip="Compare the shown token with the previous token of its profile"),
    Binding("R", "sandbox_revoke", "Revoke sessions (sandbox)", show=False,
            id="sandbox.revoke",
            tooltip="Demo: revoke the signed-in user's sessions in the sandbox"),
    Binding("left_square_bracket", "history(-1)", "Older token", show=False,
            id="history.back"),
    Binding("right_square_bracket", "history(1)", "Newer token", show=False,
            id="history.forward"),
    # Priority: handled as it arrives, so the keys typed right after it reach the filter.
    Binding("slash", "filter_profiles", "Filter", id="profiles.filter", priority=True,
            tooltip="Type to filter profiles by name, tenant, client id, flow or "
                    "description"),
    Binding("f5", "reload_profiles", "Reload", show=False, id="profiles.reload"),
    Binding("n", "new_profile", "New profile", show=False, id="profiles.new"),
    Binding("e", "edit_profile", "Edit", id="profiles.edit",
            tooltip="Edit, or rename, the selected profile in a form"),
    Binding("D", "duplicate_profile", "Duplicate profile", show=False,
            id="profiles.duplicate"),
    Binding("I", "import_profiles", "Import profiles", show=False, id="profiles.import",
            tooltip="From the AZURE_* environment variables or the Azure CLI's "
                    "azureProfile.json (references only, never secret values)"),
    Binding("d,delete", "delete_profile", "Delete profile", show=False,
            id="profiles.delete"),
    Binding("escape", "cancel_acquisition", "Cancel", show=False, id="token.cancel",
            tooltip="Stop waiting for the selected profile's token request"),
    Binding("q", "quit", "Quit", id="app.quit"),
    *[Binding(str(n), f"jump({n})", f"Profile {n}", show=False, id=f"profiles.jump{n}")
      for n in range(1, 10)],
]

# Actions that work on the token shown: dimmed in the footer while there is none.
TOKEN_ACTIONS = frozenset({"copy_header", "copy_curl", "copy_claim", "verify",
                           "verify_with_file", "validation_report", "raw_view"})
