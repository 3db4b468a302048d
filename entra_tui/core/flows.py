"""The sign-in flows and, in one table, what each needs: the one place flow names live.

The profile loader, the profile editor, the acquisition pane, the session manager and the
CLI all read `FLOWS`; a new flow is a new row here (and its branch in the session manager).
`Flow` is a `StrEnum`, so a profile file's spelling ("client_secret") is the value itself and
a flow read from a file compares equal to its member.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Flow(StrEnum):
    CLIENT_SECRET = "client_secret"
    CLIENT_CERTIFICATE = "client_certificate"
    FEDERATED = "federated"
    DEVICE_CODE = "device_code"
    INTERACTIVE = "interactive"
    USERNAME_PASSWORD = "username_password"
    ON_BEHALF_OF = "on_behalf_of"
    MANAGED_IDENTITY = "managed_identity"


class FlowNeeds(NamedTuple):
    """What one flow needs from a profile and how it is told."""

    label: str  # what the acquisition pane calls it
    # Profile keys only this flow's profiles use (the editor shows them for it).
    fields: tuple[str, ...] = ()
    # Keys the loader requires, in the order it asks; a group of several means any one
    # of them (on-behalf-of proves the app with a secret or a certificate).
    required: tuple[tuple[str, ...], ...] = ()
    signs_in_user: bool = False  # a user signs in: public client, MSAL's cache tried first
    acts_for_user: bool = False  # the token is a user's (user flows and on-behalf-of)
    app_token: bool = False  # the app's own token from acquire_token_for_client
    host_identity: bool = False  # the host's managed identity: no tenant, client_id optional
    waiting: str = " Acquiring a token…"  # the acquisition pane while it runs
    sign_in: str = ""  # how the user signs in, said by the CLI before it waits
    warning: str = ""  # shown with the profile's details


ROPC_WARNING = ("Microsoft discourages this flow: it sends the password to the app, and it "
                "fails for users with MFA or federated sign-in. Use it only in test tenants.")

# Keyed by member; a plain "client_secret" from a file finds its row too (same hash, equal).
FLOWS: dict[str, FlowNeeds] = {
    Flow.CLIENT_SECRET: FlowNeeds(
        "client credentials · secret", fields=("secret",), required=(("secret",),),
        app_token=True),
    Flow.CLIENT_CERTIFICATE: FlowNeeds(
        "client credentials · certificate", fields=("certificate", "certificate_password"),
        required=(("certificate",),), app_token=True),
    Flow.FEDERATED: FlowNeeds(
        "client credentials · federated assertion (workload identity)",
        fields=("federated_token_file",), app_token=True),
    Flow.DEVICE_CODE: FlowNeeds(
        "device code (user signs in elsewhere)", signs_in_user=True, acts_for_user=True,
        waiting=" Waiting for the sign-in with the device code…",
        sign_in="with a device code: on any device, open the page below and enter the code"),
    Flow.INTERACTIVE: FlowNeeds(
        "interactive browser (authorization code + PKCE)", fields=("redirect_port",),
        signs_in_user=True, acts_for_user=True,
        waiting=" Waiting for the sign-in in your browser (up to 5 min)…",
        sign_in="in the browser: finish the sign-in in the window that opens"),
    Flow.USERNAME_PASSWORD: FlowNeeds(
        "username and password (ROPC)", fields=("username", "password"),
        required=(("username",), ("password",)), signs_in_user=True, acts_for_user=True,
        warning=ROPC_WARNING),
    Flow.ON_BEHALF_OF: FlowNeeds(
        "on-behalf-of (exchanges a user token)",
        fields=("secret", "certificate", "certificate_password", "assertion_profile"),
        required=(("secret", "certificate"), ("assertion_profile",)), acts_for_user=True),
    Flow.MANAGED_IDENTITY: FlowNeeds("managed identity", host_identity=True),
}
DEFAULT_FLOW = Flow.CLIENT_SECRET
# Keys that only some flows use: the editor hides each unless the chosen flow lists it.
FLOW_FIELDS = frozenset(key for needs in FLOWS.values() for key in needs.fields)
# Why the loader refuses a profile that lacks a key its flow requires ("'KEY' is missing"
# for the rest).
MISSING = {
    "secret": "needs secret = \"env:NAME\" or \"file:PATH\"",
    "certificate": "needs certificate = \"PATH\" to a PEM file (private key and certificate) "
                   "or a PFX/PKCS#12 file",
    "password": "needs password = \"env:NAME\" or \"file:PATH\"",
}


def missing_keys(group: tuple[str, ...]) -> str:
    """Why the loader refuses a profile of a flow that requires a key of `group`: each key
    the group offers and how it is written (on-behalf-of takes a secret or a certificate,
    and a message naming only the secret sends a certificate's owner the wrong way)."""
    if len(group) == 1:
        return MISSING.get(group[0], f"needs '{group[0]}'")
    return "needs one of: " + "; ".join(
        MISSING.get(key, f"needs '{key}'").removeprefix("needs ") for key in group)
