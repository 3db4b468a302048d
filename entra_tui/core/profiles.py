"""Profiles: one app registration in one tenant, read from a TOML file.

The file holds references to credentials, never their values (see `secrets.py`). Loading
never writes: a broken file is reported with file, line and column and left as it is.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from entra_tui.core.clouds import (
    CLOUD_HOSTS,
    MULTI_TENANT_ALIASES,
    authority_host_for,
    service_endpoint,
)
from entra_tui.core.errors import ConfigError, CredentialError
from entra_tui.core.expectations import DEFAULT_CLOCK_SKEW, Expectations
from entra_tui.core.flows import (
    DEFAULT_FLOW,
    FLOWS,
    MISSING,
    Flow,
    FlowNeeds,
    missing_keys,
)
from entra_tui.core.safe_files import NotASmallFile, read_small_file
from entra_tui.core.safe_text import safe_text
from entra_tui.core.secrets import resolve_path, validate_reference

if TYPE_CHECKING:
    from entra_tui.core.toml_reader import TOMLDecodeError

CONFIG_ENV_VAR = "ENTRA_TUI_CONFIG"
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
DOMAIN = re.compile(
    r"^(?=.{4,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$")
KNOWN_KEYS = {
    "tenant", "client_id", "flow", "scopes", "cloud", "authority_host", "secret",
    "certificate", "certificate_thumbprint", "ca_bundle", "description", "expect",
    "certificate_password", "send_certificate_chain", "federated_token_file", "username",
    "password", "redirect_port", "assertion_profile", "auto_refresh_minutes", "token_cache",
    "allow_unencrypted_cache", "timeout_seconds",
    "graph_profile", "graph_endpoint", "arm_endpoint", "test_url",  # the token doctor
    "client_capabilities",  # MSAL's client_capabilities, e.g. ["cp1"] for CAE
}
EXPECT_LISTS = {"audiences", "issuers", "roles", "scopes"}
EXPECT_KEYS = EXPECT_LISTS | {"tenant", "version", "clock_skew"}


@dataclass(frozen=True)
class Profile:
    """Everything needed to ask one tenant for a token on behalf of one app registration.

    A dataclass rather than a NamedTuple (the core's usual record, see the package
    docstring): callers make variants with `dataclasses.replace`, and `base_dir` (where
    the file was) does not count in comparisons."""

    name: str
    tenant: str
    client_id: str
    flow: Flow  # a plain str with a flow's spelling works too (StrEnum: equal, same hash)
    scopes: tuple[str, ...]
    authority_host: str = CLOUD_HOSTS["public"]
    secret: str | None = None
    certificate: str | None = None
    certificate_thumbprint: str | None = None
    certificate_password: str | None = None  # reference, for PFX files
    send_certificate_chain: bool = False  # send x5c (subject name + issuer authentication)
    federated_token_file: str | None = None  # default: $AZURE_FEDERATED_TOKEN_FILE
    username: str | None = None
    password: str | None = None  # reference
    redirect_port: int | None = None
    assertion_profile: str | None = None  # on-behalf-of: whose user token to exchange
    auto_refresh_minutes: int | None = None
    token_cache: str = "memory"
    allow_unencrypted_cache: bool = False
    timeout_seconds: int | None = None  # per HTTP request; default 20 s
    graph_profile: str | None = None  # whose Graph token reads the directory (names, doctor)
    graph_endpoint: str | None = None  # Graph root for a custom authority (the sandbox)
    arm_endpoint: str | None = None  # ARM root for a custom authority
    test_url: str | None = None  # a cheap GET the doctor's test call makes with the token
    # MSAL's client_capabilities: ["cp1"] declares the app handles CAE claims challenges.
    client_capabilities: tuple[str, ...] = ()
    ca_bundle: str | None = None
    description: str = ""
    expect: Expectations = field(default_factory=Expectations)
    base_dir: Path = field(default_factory=Path.cwd, compare=False)

    @property
    def authority(self) -> str:
        return f"{self.authority_host.rstrip('/')}/{self.tenant}"

    @property
    def needs(self) -> FlowNeeds:
        """What the profile's flow needs and how it is told (core/flows.py)."""
        return FLOWS[self.flow]

    @property
    def is_user_flow(self) -> bool:
        """A user signs in (device code, browser, password)."""
        return FLOWS[self.flow].signs_in_user

    @property
    def acts_for_user(self) -> bool:
        """The token is a user's: a user flow, or on-behalf-of exchanging a user's token."""
        return FLOWS[self.flow].acts_for_user

    @property
    def credential_summary(self) -> str:
        """What proves the app's identity, safe to show: references and paths, never values."""
        match self.flow:
            case Flow.CLIENT_SECRET:
                return f"secret {self.secret}"
            case Flow.CLIENT_CERTIFICATE:
                return f"certificate {self.certificate}" + (
                    " (sends x5c)" if self.send_certificate_chain else "")
            case Flow.FEDERATED:
                return "federated token file " + (
                    self.federated_token_file or "$AZURE_FEDERATED_TOKEN_FILE")
            case Flow.DEVICE_CODE:
                return "a user signs in with a code on another device"
            case Flow.INTERACTIVE:
                return "a user signs in in the browser (PKCE, loopback redirect)"
            case Flow.USERNAME_PASSWORD:
                return f"user {self.username}, password {self.password}"
            case Flow.ON_BEHALF_OF:
                return f"user token of profile {self.assertion_profile}, " + (
                    f"secret {self.secret}" if self.secret else f"certificate {self.certificate}")
            case Flow.MANAGED_IDENTITY:
                return "managed identity of this host" + (
                    f" (user-assigned {self.client_id})" if self.client_id
                    else " (system-assigned)")
        return str(self.flow)


DEFAULT_CLIPBOARD_CLEAR_SECONDS = 30


class UiSettings(NamedTuple):
    """The [ui] table: choices the app remembers (theme) and clipboard hygiene."""

    theme: str | None = None
    clipboard_clear_seconds: int = DEFAULT_CLIPBOARD_CLEAR_SECONDS  # 0: never clear
    # [ui.keymap]: binding id -> key(s), e.g. ("token.acquire", "g") (ids: ui/main_bindings.py)
    keymap: tuple[tuple[str, str], ...] = ()
    # [ui.keymap] entries set aside, each with where and why: a bad key must not take the
    # profiles with it, and is never bound or shown.
    problems: tuple[ConfigError, ...] = ()


class BrokenProfile(NamedTuple):
    """A [profiles.NAME] table that cannot be used, and why (file:line:col); read with
    `keep_broken`, the file's other profiles still load."""

    name: str
    error: ConfigError


class ProfileSet(NamedTuple):
    """The profiles of one file, in file order."""

    path: Path
    profiles: tuple[Profile, ...]
    exists: bool = True
    ui: UiSettings = UiSettings()
    broken: tuple[BrokenProfile, ...] = ()  # only when read with keep_broken

    def names(self) -> list[str]:
        return [p.name for p in self.profiles]

    def get(self, name: str) -> Profile | None:
        return next((p for p in self.profiles if p.name == name), None)

    def broken_profile(self, name: str) -> BrokenProfile | None:
        return next((b for b in self.broken if b.name == name), None)


def default_config_path() -> Path:
    """`$ENTRA_TUI_CONFIG`, else `profiles.toml` in the platform's config dir."""
    override = os.environ.get(CONFIG_ENV_VAR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path("entra-tui", appauthor=False) / "profiles.toml"


def load_named_profiles(config: Path | None, *, keep_broken: bool = False) -> ProfileSet:
    """The profiles a command uses: `config` (--config), else $ENTRA_TUI_CONFIG, else the
    default file. Only the default file may be missing ("no profiles yet"): a file the user
    named, on the command line or in the variable, that does not exist is a mistake (a typo,
    the wrong folder) and is said to be one, not read as an empty file."""
    named_by = "--config" if config is not None else (
        f"${CONFIG_ENV_VAR}" if os.environ.get(CONFIG_ENV_VAR) else None)
    path = config if config is not None else default_config_path()
    profiles = load_profiles(path, keep_broken=keep_broken)
    if named_by is not None and not profiles.exists:
        raise ConfigError(f"no such profile file (named by {named_by}); check the path, "
                          "or leave it out to use the default file", path=str(path))
    return profiles


def load_profiles(path: Path, *, keep_broken: bool = False) -> ProfileSet:
    """Read and check every profile in `path`; a missing file is an empty set, not an error.
    With `keep_broken`, a profile that cannot be used is set aside (`ProfileSet.broken`)
    instead of failing the whole file: one typo must not hide every other profile."""
    try:
        data = read_small_file(path)
    except FileNotFoundError:
        return ProfileSet(path=path, profiles=(), exists=False)
    except NotASmallFile as exc:
        raise ConfigError(str(exc), path=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the file: {exc.strerror}", path=str(path)) from None
    return parse_profiles(data, path, keep_broken=keep_broken)


def parse_profiles(data: bytes, path: Path, *, keep_broken: bool = False) -> ProfileSet:
    """Parse TOML bytes into profiles, or raise ConfigError pointing at the offending spot.
    Errors of the file as a whole (TOML syntax, [settings], [ui]) always raise; a single
    profile's error is set aside with `keep_broken`."""
    from entra_tui.core import toml_reader  # here: `token --from-env` and `decode` read none

    text = _decode_utf8(data, path)
    try:
        document = toml_reader.loads(text)
    except toml_reader.TOMLDecodeError as exc:
        raise _toml_error(exc, path) from None
    except RecursionError:
        raise ConfigError("the file nests too deeply to read", path=str(path)) from None
    tables = document.get("profiles", {})
    if not isinstance(tables, dict):
        raise ConfigError(
            "'profiles' must be a table of [profiles.NAME] sections", path=str(path),
            line=_line_of(text, r"^\s*profiles\s*="),
        )
    defaults = _settings(document.get("settings", {}), path, text)
    profiles: list[Profile] = []
    broken: list[BrokenProfile] = []
    for name, table in tables.items():
        try:
            profiles.append(_profile_from_table(
                name, {**defaults, **table} if isinstance(table, dict) else table, path, text))
        except ConfigError as exc:
            if not keep_broken:
                raise
            broken.append(BrokenProfile(name, exc))
    return ProfileSet(path=path, profiles=tuple(profiles),
                      ui=_ui_settings(document.get("ui", {}), path, text), broken=tuple(broken))


SETTINGS_DEFAULTS = ("token_cache", "allow_unencrypted_cache", "timeout_seconds",
                     "graph_profile", "graph_endpoint", "arm_endpoint")


def _settings(table: Any, path: Path, text: str) -> dict[str, Any]:
    """[settings]: defaults every profile inherits (a profile's own value wins)."""
    def fail(message: str) -> ConfigError:
        # The line is looked up only for an error: a search of the whole file per table.
        return ConfigError(message, path=str(path),
                           line=_line_of(text, r"^\s*\[\s*settings\s*\]"))

    if not isinstance(table, dict):
        raise fail("'settings' must be a table: [settings]")
    unknown = sorted(set(table) - set(SETTINGS_DEFAULTS))
    if unknown:
        raise fail(f"settings: unknown key '{unknown[0]}' (known: "
                   f"{', '.join(SETTINGS_DEFAULTS)})")
    return dict(table)


def check_profile_table(name: str, table: dict[str, Any], path: Path) -> Profile:
    """Check one profile's keys with the loader's rules (the editor validates as you type)."""
    return _profile_from_table(name, table, path, "")


def _ui_settings(table: Any, path: Path, text: str) -> UiSettings:
    def fail(message: str, pattern: str = r"^\s*\[\s*ui\s*\]") -> ConfigError:
        # The line is looked up only for an error: a search of the whole file per table.
        line = _line_of(text, pattern) or _line_of(text, r"^\s*\[\s*ui\s*\]")
        return ConfigError(message, path=str(path), line=line)

    if not isinstance(table, dict):
        raise fail("'ui' must be a table: [ui]")
    unknown = sorted(set(table) - {"theme", "clipboard_clear_seconds", "keymap"})
    if unknown:
        raise fail(f"ui: unknown key '{unknown[0]}' (known: theme, "
                   "clipboard_clear_seconds, keymap)")
    theme = table.get("theme")
    if theme is not None and not isinstance(theme, str):
        raise fail("ui: theme must be a string such as \"nord\"")
    delay = table.get("clipboard_clear_seconds", DEFAULT_CLIPBOARD_CLEAR_SECONDS)
    if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay <= 3600:
        raise fail("ui: clipboard_clear_seconds must be a whole number from 0 (never) "
                   "to 3600")
    keymap = _flat(table.get("keymap", {}))
    if not isinstance(keymap, dict):
        raise fail("ui.keymap: each entry is a binding id and its key(s), such as "
                   "token.acquire = \"g\" or app.help = \"f1,h\"",
                   r"^\s*\[\s*ui\s*\.\s*keymap\s*\]")
    kept: list[tuple[str, str]] = []
    problems: list[ConfigError] = []
    for binding_id, keys in keymap.items():
        problem = (keys_problem(keys) if isinstance(keys, str)
                   else "the key(s) must be a string such as \"g\" or \"f1,h\"")
        if problem is None:
            kept.append((binding_id, keys.strip()))
        else:
            problems.append(keymap_error(text, path, binding_id, f"{problem}; ignored"))
    return UiSettings(theme=theme, clipboard_clear_seconds=delay, keymap=tuple(kept),
                      problems=tuple(problems))


KEY_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
KEY_NAME = re.compile(r"[a-z0-9_]+")  # Textual's names: f1, pagedown, question_mark


def keys_problem(keys: str) -> str | None:
    """Why `keys` ("g", "f1,h", "ctrl+shift+x") is not keys a terminal app can bind, or None.
    A key is shown in the footer and the help: a control or bidi character there would
    reach the terminal (an OSC 52 clipboard write, a colour change) or reorder the line."""
    for key in keys.split(","):
        key = key.strip()
        if not key:
            return "a key is empty (a comma too many?)"
        for character in key:
            if character.isspace():
                return "a key has no spaces in it (the space bar is \"space\")"
            if safe_text(character) != character:  # the one rule of what shows as itself
                return (f"U+{ord(character):04X} ({_character_kind(character)}) is not a "
                        "key")
        if len(key) == 1:
            continue  # any character: "g", "?", "あ"
        *modifiers, name = key.split("+")
        unknown = [m for m in modifiers if m not in KEY_MODIFIERS]
        if unknown:
            return (f"'{unknown[0]}' in '{key}' is not a modifier (known: "
                    f"{', '.join(sorted(KEY_MODIFIERS))})")
        if not name:
            return f"'{key}' names no key after its '+' (the + key is \"plus\")"
        if len(name) > 1 and not KEY_NAME.fullmatch(name):
            return (f"'{name}' is not a key name (one character, or a name in lower case "
                    "such as f1, pagedown, question_mark)")
    return None


BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")


def _character_kind(character: str) -> str:
    import unicodedata

    if unicodedata.category(character) == "Cc":
        return "a control character"
    if character in BIDI_CONTROLS:
        return "a bidi control"
    return "an invisible or unassigned character"


def keymap_error(text: str, path: Path, binding_id: str, message: str) -> ConfigError:
    """A ConfigError at the `[ui.keymap]` entry for `binding_id` (the table's header, or
    [ui], when the entry cannot be found: tomllib keeps no positions)."""
    line, column = _keymap_entry(text, binding_id)
    if line is None:
        line = _line_of(text, r"^\s*\[\s*ui\s*\.\s*keymap\s*\]") or _line_of(
            text, r"^\s*\[\s*ui\s*\]")
    return ConfigError(f"ui.keymap: '{binding_id}': {message}", path=str(path), line=line,
                       column=column)


def locate_keymap_error(path: Path, binding_id: str, message: str) -> ConfigError:
    """`keymap_error` for a finding made after loading (an id no binding has, known only to
    the UI): the file is read again to find the entry (no line if it cannot be read)."""
    try:
        text = read_small_file(path).decode("utf-8-sig", errors="replace")
    except (OSError, NotASmallFile):
        text = ""
    return keymap_error(text, path, binding_id, message)


def _keymap_entry(text: str, binding_id: str) -> tuple[int | None, int | None]:
    """Line and column of `binding_id = ...` (bare, quoted or dotted) in [ui.keymap], or of
    `keymap.ID = ...` in [ui]; best effort."""
    dotted = r"\s*\.\s*".join(re.escape(part) for part in binding_id.split("."))
    spelled = rf"(?:\"{re.escape(binding_id)}\"|'{re.escape(binding_id)}'|{dotted})"
    for header, entry in ((r"^\s*\[\s*ui\s*\.\s*keymap\s*\]", rf"^([ \t]*){spelled}\s*="),
                          (r"^\s*\[\s*ui\s*\]", rf"^([ \t]*)keymap\s*\.\s*{spelled}\s*=")):
        section = re.compile(header, re.MULTILINE).search(text)
        if section is None:
            continue
        following = re.compile(r"^\s*\[", re.MULTILINE).search(text, section.end())
        match = re.compile(entry, re.MULTILINE).search(
            text, section.end(), following.start() if following else len(text))
        if match is not None:
            return text.count("\n", 0, match.start()) + 1, len(match.group(1)) + 1
    return None, None


def _flat(table: Any, prefix: str = "") -> Any:
    """`token.acquire = "g"` (TOML reads a dotted key as nested tables) as {"token.acquire":
    "g"}, the binding id; anything else is returned as is for the caller to refuse."""
    if not isinstance(table, dict):
        return table
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _profile_from_table(name: str, table: Any, path: Path, text: str) -> Profile:
    def fail(message: str, key: str | None = None) -> ConfigError:
        return ConfigError(
            f"profile '{name}': {message}", path=str(path), line=_locate(text, name, key),
            column=_column(text, name, key), key=key)

    if not name.strip():  # listed as a blank row nothing could select, run or edit
        raise fail("has no name: give it one, such as [profiles.contoso-graph]")
    if not isinstance(table, dict):
        raise fail("must be a table like [profiles.NAME]")
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        known = ", ".join(sorted(KNOWN_KEYS))
        raise fail(f"unknown key '{unknown[0]}' (known: {known})", unknown[0])

    def text_value(key: str, *, required: bool = True) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                raise fail(f"'{key}' is missing", key)
            return None
        if not isinstance(value, str) or not value.strip():
            raise fail(f"'{key}' must be a non-empty string", key)
        return value.strip()

    def reference(key: str) -> str | None:
        value = text_value(key, required=False)
        if value is not None:
            try:
                validate_reference(value)
            except CredentialError as exc:
                raise fail(str(exc), key) from None
        return value

    def flag(key: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise fail(f"'{key}' must be true or false", key)
        return value

    def whole(key: str, low: int, high: int) -> int | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise fail(f"'{key}' must be a whole number from {low} to {high}", key)
        return value

    spelled = text_value("flow", required=False) or DEFAULT_FLOW
    if spelled not in FLOWS:
        raise fail(f"flow '{spelled}' is not one of: {', '.join(FLOWS)}", "flow")
    flow = Flow(spelled)
    needs = FLOWS[flow]
    identity_only = needs.host_identity
    tenant = text_value("tenant", required=not identity_only) or "managed-identity"
    if not identity_only and not (GUID.match(tenant) or DOMAIN.match(tenant)
                                  or tenant in MULTI_TENANT_ALIASES):
        raise fail(f"tenant '{tenant}' is neither a GUID nor a domain like "
                   "contoso.onmicrosoft.com", "tenant")
    if tenant in MULTI_TENANT_ALIASES and not needs.signs_in_user:
        raise fail(f"tenant '{tenant}' names no single directory; flow '{flow}' needs the "
                   "tenant GUID or domain (only user sign-in flows may use it)", "tenant")
    client_id = text_value("client_id", required=not identity_only) or ""
    if client_id and not GUID.match(client_id):
        raise fail(f"client_id '{client_id}' is not a GUID (the app's Application (client) ID)",
                   "client_id")
    scopes = table.get("scopes")
    if (not isinstance(scopes, list) or not scopes
            or not all(isinstance(s, str) and s.strip() for s in scopes)):
        raise fail("'scopes' must be a non-empty list of strings, "
                   "e.g. [\"https://graph.microsoft.com/.default\"]", "scopes")
    authority_host = _authority_host(table, fail)
    secret = reference("secret")
    password = reference("password")
    certificate_password = reference("certificate_password")
    certificate = text_value("certificate", required=False)
    given = {"secret": secret, "password": password, "certificate": certificate}
    # What the flow requires (one key of each group), asked in the order the keys are read.
    for key in ("secret", "certificate", "username", "password", "assertion_profile"):
        if key not in given:
            given[key] = text_value(key, required=False)
        for group in needs.required:
            if group[-1] == key and all(given[k] is None for k in group):
                raise fail(f"flow '{flow}' {missing_keys(group)}" if group[0] in MISSING
                           else f"'{group[0]}' is missing", group[0])
    username, assertion_profile = given["username"], given["assertion_profile"]
    base_dir = path.parent
    token_cache = text_value("token_cache", required=False) or "memory"
    if token_cache not in ("memory", "persistent"):
        raise fail("token_cache must be 'memory' or 'persistent'", "token_cache")
    ca_bundle = text_value("ca_bundle", required=False)
    federated = text_value("federated_token_file", required=False)
    endpoints = {key: _endpoint(text_value(key, required=False), key, fail)
                 for key in ("graph_endpoint", "arm_endpoint", "test_url")}
    capabilities = table.get("client_capabilities", [])
    if not isinstance(capabilities, list) or not all(
            isinstance(c, str) and re.fullmatch(r"[A-Za-z0-9_-]{1,32}", c) for c in capabilities):
        raise fail("client_capabilities must be a list of capability names, e.g. [\"cp1\"] "
                   "(continuous access evaluation)", "client_capabilities")
    return Profile(
        name=name,
        tenant=tenant,
        client_id=client_id.lower(),
        flow=flow,
        scopes=tuple(s.strip() for s in scopes),
        authority_host=authority_host,
        secret=secret,
        certificate=str(resolve_path(certificate, base_dir)) if certificate else None,
        certificate_thumbprint=text_value("certificate_thumbprint", required=False),
        certificate_password=certificate_password,
        send_certificate_chain=flag("send_certificate_chain"),
        federated_token_file=str(resolve_path(federated, base_dir)) if federated else None,
        username=username,
        password=password,
        redirect_port=whole("redirect_port", 0, 65535),
        assertion_profile=assertion_profile,
        auto_refresh_minutes=whole("auto_refresh_minutes", 1, 55),
        token_cache=token_cache,
        allow_unencrypted_cache=flag("allow_unencrypted_cache"),
        timeout_seconds=whole("timeout_seconds", 1, 300),
        graph_profile=text_value("graph_profile", required=False),
        **endpoints,
        client_capabilities=tuple(capabilities),
        ca_bundle=str(resolve_path(ca_bundle, base_dir)) if ca_bundle else None,
        description=text_value("description", required=False) or "",
        expect=_expectations(table.get("expect"), fail),
        base_dir=base_dir,
    )


def _endpoint(value: str | None, key: str, fail: Any) -> str | None:
    """graph_endpoint, arm_endpoint, test_url: a plain https URL (origin and path) we may send
    a token to; anything that parsers could read two ways is refused."""
    if value is None:
        return None
    checked = service_endpoint(value if key != "test_url" else value.split("?", 1)[0])
    query = value.partition("?")[2] if key == "test_url" else ""
    if checked is None or not re.fullmatch(r"[A-Za-z0-9._~=&%+,-]*", query):
        raise fail(f"{key} must be a plain https:// URL such as https://host:port/path "
                   "(no user, backslash, '..', fragment or escapes)", key)
    return checked + (f"?{query}" if query else "")


def _expectations(table: Any, fail: Any) -> Expectations:
    """The optional [profiles.NAME.expect] table: what the API behind this profile accepts."""
    if table is None:
        return Expectations()
    if not isinstance(table, dict):
        raise fail("'expect' must be a table: [profiles.NAME.expect]", "expect")
    unknown = sorted(set(table) - EXPECT_KEYS)
    if unknown:
        raise fail(f"unknown key '{unknown[0]}' in expect (known: "
                   f"{', '.join(sorted(EXPECT_KEYS))})", unknown[0])
    lists: dict[str, tuple[str, ...]] = {}
    for key in EXPECT_LISTS:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"expect.{key} must be a list of strings", key)
        lists[key] = tuple(value)
    for key in ("tenant", "version"):
        if key in table and not isinstance(table[key], str):
            raise fail(f"expect.{key} must be a string", key)
    skew = table.get("clock_skew", DEFAULT_CLOCK_SKEW)
    if isinstance(skew, bool) or not isinstance(skew, int) or not 0 <= skew <= 3600:
        raise fail("expect.clock_skew must be whole seconds between 0 and 3600", "clock_skew")
    return Expectations(tenant=table.get("tenant"), version=table.get("version"),
                        clock_skew=skew, **lists)


def _authority_host(table: dict[str, Any], fail: Any) -> str:
    host = table.get("authority_host")
    cloud = table.get("cloud")
    if host is not None:
        if not isinstance(host, str) or not host.startswith("https://"):
            raise fail("authority_host must be an https:// URL (MSAL refuses plain http)",
                       "authority_host")
        return host.rstrip("/")
    if cloud is None:
        return CLOUD_HOSTS["public"]
    resolved = authority_host_for(cloud) if isinstance(cloud, str) else None
    if resolved is None:
        raise fail(f"cloud '{cloud}' is not one of: {', '.join(CLOUD_HOSTS)} "
                   "(or set authority_host)", "cloud")
    return resolved


def _decode_utf8(data: bytes, path: Path) -> str:
    """The file's text; a byte-order mark (Notepad writes one) is dropped, as the profile
    store drops it when saving, rather than refusing the whole file as "not valid TOML"."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # The position counts from after a byte-order mark: the line and column count the
        # text as the user sees it, without one.
        bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        before = data[bom: bom + exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ConfigError("the file is not UTF-8 text", path=str(path), line=line,
                          column=column) from None


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def _toml_error(exc: TOMLDecodeError, path: Path) -> ConfigError:
    message = str(exc)
    match = _TOML_POSITION.search(message)
    if match is None:
        return ConfigError(f"not valid TOML: {message}", path=str(path))
    reason = message[: match.start()]
    return ConfigError(f"not valid TOML: {reason}", path=str(path),
                       line=int(match.group(1)), column=int(match.group(2)))


def _line_of(text: str, pattern: str, start: int = 0) -> int | None:
    regex = re.compile(pattern, re.MULTILINE)
    match = regex.search(text, start)
    return _line_at(text, match.start()) if match else None


def _line_at(text: str, start: int) -> int:
    """The line of the first text at or after `start`: a pattern's leading \\s* also takes
    the blank lines before the line it was looking for."""
    return text.count("\n", 0, len(text) - len(text[start:].lstrip())) + 1


def _column(text: str, name: str, key: str | None) -> int | None:
    """The column where the line `_locate` found starts its text (the key, or the header)."""
    line = _locate(text, name, key)
    if line is None:
        return None
    row = text.split("\n")[line - 1]
    return len(row) - len(row.lstrip()) + 1


def _locate(text: str, name: str, key: str | None) -> int | None:
    """Best-effort line of `[profiles.name]` (or its `key = ...`); tomllib keeps no positions."""
    quoted = re.escape(name)
    header = re.compile(
        rf"^\s*\[\s*profiles\s*\.\s*(?:{quoted}|\"{quoted}\"|'{quoted}')\s*\]", re.MULTILINE
    ).search(text)
    if header is None:
        return None
    if key is not None:
        next_header = re.compile(r"^\s*\[", re.MULTILINE).search(text, header.end())
        end = next_header.start() if next_header else len(text)
        match = re.compile(rf"^\s*{re.escape(key)}\s*=", re.MULTILINE).search(text, header.end(),
                                                                              end)
        if match:
            return _line_at(text, match.start())
    return _line_at(text, header.start())
