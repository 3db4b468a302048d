"""The README's "Use the sandbox with the Azure CLI and the Azure SDKs" snippets, run as
written against a running sandbox (only BASE_URL, CA_BUNDLE, TENANT_ID and CERTIFICATE_PEM,
which the section says come from `entra-tui sandbox`, are filled in)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from sandbox_clients import CONTOSO

from entra_tui.sandbox import Sandbox

README = Path(__file__).resolve().parent.parent / "README.md"
SECTION = "## Use the sandbox with the Azure CLI and the Azure SDKs"


def snippets() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION):]
    section = section[:section.index("\n## ", len(SECTION))]
    return re.findall(r"```python\n(.*?)```", section, re.DOTALL)


def test_the_section_has_the_sdk_snippets() -> None:
    found = snippets()
    assert len(found) == 2
    assert "ClientSecretCredential" in found[0] and "msal" in found[1]


@pytest.mark.parametrize("index", [0, 1])
def test_readme_snippet_runs(sandbox: Sandbox, index: int) -> None:
    billing = CONTOSO.clients[1]
    values = {"BASE_URL": sandbox.base_url, "CA_BUNDLE": str(sandbox.ca_path),
              "TENANT_ID": CONTOSO.tenant_id,
              "CERTIFICATE_PEM": str(sandbox.certificate_path(billing.slug))}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(snippets()[index], f"README snippet {index}", "exec"), dict(values))  # noqa: S102
    lines = printed.getvalue().splitlines()
    if index == 0:
        assert len(lines) == 2 and all(line.isdigit() for line in lines)
    else:
        assert lines == ["['Adele Vance', 'Megan Bowen']"]
