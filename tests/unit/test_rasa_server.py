"""The faster action-response check gives Rasa's own verdicts."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError

from bot.rasa_server import install_fast_action_validation


def test_valid_responses_pass_and_malformed_ones_fail_with_rasas_message() -> None:
    from rasa.core.actions.action import RemoteAction

    install_fast_action_validation()
    action = RemoteAction("action_record_report", None)
    good = {
        "events": [{"event": "slot", "name": "report_step", "value": None}],
        "responses": [{"text": "Saved."}],
    }
    assert action._validate_action_result(good) is True
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "not a list"})
