"""`python -m bot.rasa_server run ...`: Rasa's own CLI, with one measured fix applied first.

Rasa 3.6 checks every action-server response with `jsonschema.validate`, which checks the schema
itself again on every call: about 28 ms of CPU per turn, some 40 % of the Rasa server's time in
`make bench`. Building the validator once gives the same verdicts and the same error message.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Any


def install_fast_action_validation() -> None:
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import DOCS_BASE_URL, RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator = validator_for(schema)(schema)

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError as error:
            error.message += (
                ". Failed to validate Action server response from API, make sure your response "
                "from the Action endpoint is valid. For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise
        return True

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def main() -> None:
    from bot.launcher import die_with_parent

    install_fast_action_validation()
    # Sanic forks the Rasa workers (SANIC_WORKERS). Freezing the garbage collector first keeps
    # their collections from writing to the objects they share with this process (measured: the
    # three processes' PSS 948 -> 810 MiB); each worker stops when this process goes, however it
    # goes, so none is left holding the port.
    os.register_at_fork(before=gc.freeze, after_in_child=die_with_parent)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
