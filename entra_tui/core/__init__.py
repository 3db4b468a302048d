"""The domain core: profiles, secrets, token acquisition and decoding.

Nothing here imports Textual, the CLI or the sandbox, so the core works against real Entra
and can be used from scripts. Heavy libraries (MSAL, requests, cryptography) load lazily.
"""
