"""What the main screen's keys and its workers' messages do: each is handed to the helper of
its concern, made (and its module imported) when first used, since none of them is needed to
draw the first frame.

`acquisition.py`: requests, cancel, sign out, auto-refresh and the one handler of
`AcquisitionFinished`; `inspection.py`: copy, paste, raw, verify, report, presentation;
`wire_keys.py`: trace, diff, claims challenge, sandbox revoke; `doctor_keys.py`: H, T and
directory names; `profile_flows.py`: the profile file; `main_keys.py`: the palette and F1.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, cast

from entra_tui.ui.delegate import delegate

if TYPE_CHECKING:

    from entra_tui.ui.acquisition import Acquisition
    from entra_tui.ui.doctor_keys import DoctorKeys
    from entra_tui.ui.inspection import Inspection
    from entra_tui.ui.profile_flows import ProfileFlows
    from entra_tui.ui.screens.main import MainScreen
    from entra_tui.ui.widgets.claims_table import ClaimsTable
    from entra_tui.ui.widgets.profile_list import ProfileList
    from entra_tui.ui.wire_keys import WireKeys


class MainActions:
    """Mixed into `MainScreen` (whose `BINDINGS` name these actions)."""

    @property
    def main_screen(self) -> MainScreen:
        return cast("MainScreen", self)  # only ever mixed into the main screen

    @cached_property
    def acquisition(self) -> Acquisition:
        from entra_tui.ui.acquisition import Acquisition
        return Acquisition(self.main_screen)

    @cached_property
    def inspection(self) -> Inspection:
        from entra_tui.ui.inspection import Inspection
        return Inspection(self.main_screen)

    @cached_property
    def wire(self) -> WireKeys:
        from entra_tui.ui.wire_keys import WireKeys
        return WireKeys(self.main_screen)

    @cached_property
    def doctor(self) -> DoctorKeys:
        from entra_tui.ui.doctor_keys import DoctorKeys
        return DoctorKeys(self.main_screen)

    @cached_property
    def flows(self) -> ProfileFlows:
        from entra_tui.ui.profile_flows import ProfileFlows
        return ProfileFlows(self.main_screen)

    action_acquire = delegate("acquisition", "acquire")
    action_cancel_acquisition = delegate("acquisition", "cancel")
    action_sign_out = delegate("acquisition", "sign_out")
    on_acquisition_finished = delegate("acquisition", "finished")
    on_sign_in_url_shown = delegate("acquisition", "sign_in_url_shown")
    on_device_code_shown = delegate("acquisition", "device_code_shown")

    def on_profile_list_selected(self, event: ProfileList.Selected) -> None:
        self.acquisition.acquire()  # Enter on a profile

    action_copy_token = delegate("inspection", "copy_token")
    action_copy_header = delegate("inspection", "copy_header")
    action_copy_id_token = delegate("inspection", "copy_id_token")
    action_copy_curl = delegate("inspection", "copy_curl")
    action_copy_claim = delegate("inspection", "copy_claim")

    def on_claims_table_row_selected(self, event: ClaimsTable.RowSelected) -> None:
        self.inspection.copy_claim()  # Enter on a claim, or a click on it, copies it as y does

    action_paste_token = delegate("inspection", "paste")
    action_inspect_clipboard = delegate("inspection", "inspect_clipboard")
    action_raw_view = delegate("inspection", "raw_view")
    action_verify = delegate("inspection", "verify")
    action_verify_with_file = delegate("inspection", "verify_with_file")
    on_verification_done = delegate("inspection", "verification_done")
    action_validation_report = delegate("inspection", "validation_report")
    action_toggle_presentation = delegate("inspection", "toggle_presentation")

    action_wire_trace = delegate("wire", "trace")
    action_diff_previous = delegate("wire", "diff_previous")
    action_sandbox_revoke = delegate("wire", "sandbox_revoke")

    action_health = delegate("doctor", "open", test_call_only=False)
    action_test_call = delegate("doctor", "open", test_call_only=True)
    on_names_found = delegate("doctor", "found")

    action_new_profile = delegate("flows", "new")
    action_edit_profile = delegate("flows", "edit")
    action_duplicate_profile = delegate("flows", "duplicate")
    action_import_profiles = delegate("flows", "choose_import")
    action_delete_profile = delegate("flows", "delete")
    action_reload_profiles = delegate("flows", "reload")

    def action_help(self) -> None:
        from entra_tui.ui.main_keys import open_help

        open_help(self.main_screen)
