"""What common AADSTS error codes mean and what to try, in plain words."""

from __future__ import annotations

from typing import NamedTuple


class AadstsHelp(NamedTuple):
    meaning: str
    fix: str


AADSTS_HELP: dict[int, AadstsHelp] = {
    7000215: AadstsHelp(
        "Invalid client secret: the secret sent is not one of the app's secrets.",
        "Copy the secret's Value (not its Secret ID) from Certificates & secrets, "
        "or create a new secret and update the reference."),
    7000222: AadstsHelp(
        "The client secret has expired.",
        "Create a new secret under Certificates & secrets and update the reference."),
    7000218: AadstsHelp(
        "No credential was sent: the request has neither client_secret nor client_assertion.",
        "Set the profile's secret or certificate, or use a public-client flow."),
    700016: AadstsHelp(
        "The application (client id) was not found in this tenant.",
        "Check client_id and tenant; the app may live in another tenant or need admin consent "
        "there to create its service principal."),
    700027: AadstsHelp(
        "The client assertion's signature did not validate against the app's certificates.",
        "Upload this certificate's public part to the app registration, or check the "
        "thumbprint matches the uploaded certificate."),
    700024: AadstsHelp(
        "The client assertion is outside its valid time range.",
        "Check this machine's clock (the assertion uses nbf/exp); sync time and retry."),
    90002: AadstsHelp(
        "The tenant was not found.",
        "Check the tenant GUID or domain, and the cloud: a US Gov or China tenant does not "
        "exist in the public cloud."),
    65001: AadstsHelp(
        "The user or an admin has not consented to use the application.",
        "Grant admin consent under API permissions, or sign in interactively to consent."),
    50076: AadstsHelp(
        "Multi-factor authentication is required.",
        "Use an interactive or device-code flow so the user can complete MFA."),
    50079: AadstsHelp(
        "The user must enroll in multi-factor authentication.",
        "Sign in interactively once to register MFA."),
    53003: AadstsHelp(
        "Access was blocked by a Conditional Access policy.",
        "Ask an admin which policy applied (Sign-in logs, correlation id below)."),
    50126: AadstsHelp(
        "Invalid username or password.",
        "Check the credentials; federated and MFA-protected users cannot use this flow."),
    70011: AadstsHelp(
        "The requested scope is invalid.",
        "Check the scope string: resource URI or app id, then the permission name."),
    1002012: AadstsHelp(
        "Client-credentials scopes must be a resource followed by /.default.",
        "Use e.g. 'api://my-api/.default' or 'https://graph.microsoft.com/.default'."),
    500011: AadstsHelp(
        "The resource (API) named in the scope was not found in this tenant.",
        "Check the API's Application ID URI, and that the API's service principal exists "
        "in the tenant (admin consent creates it)."),
    70016: AadstsHelp(
        "Authorization is pending: the user has not finished signing in yet.",
        "Complete the sign-in at the verification URL; the app keeps polling."),
    70019: AadstsHelp(
        "The device code has expired.",
        "Start the device-code flow again and sign in before the code expires."),
    700082: AadstsHelp(
        "The refresh token has expired due to inactivity.",
        "Sign in again."),
    50034: AadstsHelp(
        "The user account does not exist in this tenant.",
        "Check the username, or invite the user as a guest."),
    50020: AadstsHelp(
        "The user's account is from an identity provider the tenant does not accept.",
        "Use a tenant-specific authority or invite the user."),
    50011: AadstsHelp(
        "The redirect URI does not match the ones registered for the app.",
        "Add the exact redirect URI (including port for loopback) under Authentication."),
    7000112: AadstsHelp(
        "The application is disabled.",
        "Enable the app's service principal in Enterprise applications."),
    700054: AadstsHelp(
        "The response type (e.g. id_token) is not enabled for the app.",
        "Enable ID tokens under Authentication, or request a different response type."),
    50059: AadstsHelp(
        "No tenant could be determined from the request.",
        "Use a tenant-specific authority instead of 'common'."),
    900023: AadstsHelp(
        "The tenant identifier is not a valid GUID or domain.",
        "Check the tenant value for typos."),
    90014: AadstsHelp(
        "A required field is missing from the request.",
        "Check the profile's settings for this flow."),
    50013: AadstsHelp(
        "The assertion failed signature validation or has expired.",
        "Check the assertion's signing key and lifetime."),
    70021: AadstsHelp(
        "No federated credential on the app matches the assertion's issuer and subject.",
        "Under Certificates & secrets > Federated credentials, add one with exactly this "
        "issuer and subject (e.g. the Kubernetes service account or GitHub ref)."),
    700212: AadstsHelp(
        "The federated assertion's audience does not match the federated credential.",
        "Request the token for audience api://AzureADTokenExchange (or the configured one)."),
    700021: AadstsHelp(
        "The client assertion's issuer or subject is not the client id sent.",
        "Sign the assertion with iss and sub set to the app's client id."),
    700023: AadstsHelp(
        "The client assertion's audience is not this tenant's token endpoint.",
        "Use the token endpoint of the tenant you call as aud (MSAL does this itself)."),
    700025: AadstsHelp(
        "A public client sent a credential, or a client assertion was replayed.",
        "Public clients send no secret; each assertion needs a fresh jti."),
    50027: AadstsHelp(
        "The JWT sent (client assertion) is invalid or malformed.",
        "Check how the assertion is built and signed."),
    70008: AadstsHelp(
        "The authorization code or refresh token expired, was revoked or was already used.",
        "Sign in again to get a new code."),
    501481: AadstsHelp(
        "The PKCE code_verifier does not match the code_challenge.",
        "Send the verifier that belongs to this authorization request."),
    700003: AadstsHelp(
        "The refresh token belongs to another client or the device was deleted.",
        "Sign in again with this app."),
    900144: AadstsHelp(
        "A required parameter is missing from the request.",
        "Check the profile has everything this flow needs (client id, scope...)."),
    70003: AadstsHelp(
        "The app asked for a grant type the endpoint does not support.",
        "Check the flow chosen for this profile."),
    70000: AadstsHelp(
        "The grant (device code, code or assertion) is invalid.",
        "Start the sign-in again."),
    90100: AadstsHelp(
        "The identity provider failed while handling the request.",
        "Retry; if it persists, quote the correlation id to support."),
}


def help_for(code: int | None) -> AadstsHelp | None:
    return AADSTS_HELP.get(code) if code is not None else None
