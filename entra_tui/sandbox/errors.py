"""Errors the sandbox answers with, shaped like Entra's token-endpoint JSON errors."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass


@dataclass
class EntraError(Exception):
    """One AADSTS error: HTTP status, OAuth `error` string, AADSTS code and message."""

    status: int
    error: str
    code: int
    message: str

    def body(self, correlation_id: str | None = None) -> dict[str, object]:
        now = dt.datetime.now(dt.UTC)
        stamp = now.strftime("%Y-%m-%d %H:%M:%SZ")
        trace_id = str(uuid.uuid4())
        correlation_id = correlation_id or str(uuid.uuid4())
        return {
            "error": self.error,
            "error_description": (
                f"AADSTS{self.code}: {self.message} Trace ID: {trace_id} "
                f"Correlation ID: {correlation_id} Timestamp: {stamp}"),
            "error_codes": [self.code],
            "timestamp": stamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": f"https://login.microsoftonline.com/error?code={self.code}",
        }


def tenant_not_found(tenant: str) -> EntraError:
    return EntraError(400, "invalid_tenant", 90002,
                      f"Tenant '{tenant}' not found. Check to make sure you have the correct "
                      "tenant ID and are signing into the correct cloud.")


def missing_parameter(name: str) -> EntraError:
    return EntraError(400, "invalid_request", 900144,
                      f"The request body must contain the following parameter: '{name}'.")


def app_not_found(client_id: str, tenant_name: str) -> EntraError:
    return EntraError(400, "unauthorized_client", 700016,
                      f"Application with identifier '{client_id}' was not found in the directory "
                      f"'{tenant_name}'. This can happen if the application has not been "
                      "installed by the administrator of the tenant or consented to by any user "
                      "in the tenant. You may have sent your authentication request to the "
                      "wrong tenant.")


def invalid_secret(client_id: str) -> EntraError:
    return EntraError(401, "invalid_client", 7000215,
                      "Invalid client secret provided. Ensure the secret being sent in the "
                      "request is the client secret value, not the client secret ID, for a "
                      f"secret added to app '{client_id}'.")


def no_credential() -> EntraError:
    return EntraError(401, "invalid_client", 7000218,
                      "The request body must contain the following parameter: "
                      "'client_assertion' or 'client_secret'.")


def public_client_has_no_credentials(client_id: str) -> EntraError:
    return EntraError(401, "invalid_client", 700025,
                      f"Client is public so neither 'client_assertion' nor 'client_secret' "
                      f"should be presented. Application '{client_id}'.")


def assertion_signature_invalid(client_id: str, thumbprint: str) -> EntraError:
    return EntraError(401, "invalid_client", 700027,
                      f"The certificate with identifier used to sign the client assertion is "
                      f"not registered on application. [Reason - The key was not found., "
                      f"Thumbprint of key used by client: '{thumbprint}'] Application "
                      f"'{client_id}'.")


def assertion_time_invalid(detail: str) -> EntraError:
    return EntraError(401, "invalid_client", 700024,
                      f"Client assertion is not within its valid time range. {detail}")


def assertion_invalid(reason: str) -> EntraError:
    return EntraError(401, "invalid_client", 50027, f"JWT token is invalid or malformed. "
                      f"{reason}")


def scope_not_default(scope: str) -> EntraError:
    return EntraError(400, "invalid_scope", 1002012,
                      f"The provided value for scope {scope} is not valid. Client credential "
                      "flows must have a scope value with /.default suffixed to the resource "
                      "identifier (application ID URI).")


def invalid_scope(scope: str) -> EntraError:
    return EntraError(400, "invalid_scope", 70011,
                      f"The provided request must include a 'scope' input parameter. The "
                      f"provided value for the input parameter 'scope' is not valid: '{scope}'.")


def resource_not_found(resource: str, tenant_name: str) -> EntraError:
    return EntraError(400, "invalid_resource", 500011,
                      f"The resource principal named {resource} was not found in the tenant "
                      f"named {tenant_name}. This can happen if the application has not been "
                      "installed by the administrator of the tenant or consented to by any "
                      "user in the tenant. You might have sent your authentication request to "
                      "the wrong tenant.")


def unsupported_grant(grant: str) -> EntraError:
    return EntraError(400, "unsupported_grant_type", 70003,
                      f"The app requested an unsupported grant type '{grant}'.")


def authorization_pending() -> EntraError:
    return EntraError(400, "authorization_pending", 70016,
                      "OAuth 2.0 device flow error. Authorization is pending. Continue polling.")


def device_code_expired() -> EntraError:
    return EntraError(400, "expired_token", 70019,
                      "Verification code expired.")


def bad_device_code() -> EntraError:
    return EntraError(400, "invalid_grant", 70000,
                      "The provided value for the 'device_code' parameter is not valid.")


def not_public_client(client_id: str) -> EntraError:
    return EntraError(400, "invalid_client", 7000218,
                      f"The request body must contain the following parameter: "
                      f"'client_assertion' or 'client_secret'. Application '{client_id}' is "
                      "not configured as a public client.")


def expired_secret(client_id: str) -> EntraError:
    return EntraError(401, "invalid_client", 7000222,
                      f"The provided client secret keys for app '{client_id}' are expired. "
                      "Visit the Azure portal to create new keys for your app.")


def consent_required(client_id: str, scopes: str) -> EntraError:
    return EntraError(400, "invalid_grant", 65001,
                      f"The user or administrator has not consented to use the application "
                      f"with ID '{client_id}'. Send an interactive authorization request for "
                      f"this user and resource. Scopes: {scopes}.")


def bad_password() -> EntraError:
    return EntraError(400, "invalid_grant", 50126,
                      "Error validating credentials due to invalid username or password.")


def mfa_required() -> EntraError:
    return EntraError(400, "invalid_grant", 50076,
                      "Due to a configuration change made by your administrator, or because "
                      "you moved to a new location, you must use multi-factor authentication "
                      "to access the resource.")


def bad_code(reason: str) -> EntraError:
    return EntraError(400, "invalid_grant", 70008,
                      f"The provided authorization code or refresh token has expired due to "
                      f"inactivity or was already used. {reason}")


def pkce_failed() -> EntraError:
    return EntraError(400, "invalid_grant", 501481,
                      "The Code_Verifier does not match the code_challenge supplied in the "
                      "authorization request.")


def redirect_mismatch(uri: str) -> EntraError:
    return EntraError(400, "invalid_grant", 50011,
                      f"The redirect URI '{uri}' specified in the request does not match the "
                      "redirect URIs configured for the application.")


def refresh_token_wrong_client() -> EntraError:
    return EntraError(400, "invalid_grant", 700003,
                      "The refresh token was issued to a different client.")


def obo_assertion_invalid(reason: str) -> EntraError:
    return EntraError(400, "invalid_grant", 50013, f"Assertion failed signature validation "
                      f"or is not for this application. {reason}")


def federated_no_match(issuer: str, subject: str) -> EntraError:
    return EntraError(400, "invalid_client", 70021,
                      f"No matching federated identity record found for presented assertion. "
                      f"Assertion Issuer: '{issuer}'. Assertion Subject: '{subject}'.")


def assertion_replayed() -> EntraError:
    return EntraError(401, "invalid_client", 700025,
                      "The client assertion has already been used (jti replay).")


def authorization_declined() -> EntraError:
    """The person cancelled the device sign-in on the page: the app's polling ends
    (https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-device-code)."""
    return EntraError(400, "authorization_declined", 65004,
                      "User declined to consent to access the app.")
