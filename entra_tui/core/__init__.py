"""The domain core: profiles, secrets, token acquisition and decoding.

Nothing here imports Textual, the CLI or the sandbox, so the core works against real Entra
and can be used from scripts. Heavy libraries (MSAL, requests, cryptography) load lazily.

Records are NamedTuples: immutable, cheap to define at import (start-up and `decode` pay
for every class made then) and cheap to make (a cache hit makes a result each time), with
`_replace` for variants. Secret fields are kept out of `repr` by the record's own `__repr__`
(`AcquireResult`). The one exception is `Profile`, a frozen dataclass: callers make
variants with `dataclasses.replace` and its `base_dir` must not count in comparisons (not
slotted: a frozen slotted class sets each field through its descriptor, slower when a
500-profile file is read).
Mutable state that lives over time (a profile's run, a wire trace) is a slotted class.
The sign-in flows and what each needs are one table, `flows.FLOWS`.
"""
