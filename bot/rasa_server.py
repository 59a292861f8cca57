"""`python -m bot.rasa_server run ...`: Rasa's own CLI, with two measured fixes applied first.

- Rasa 3.6 checks every action-server response with `jsonschema.validate`, which checks the
  schema itself again on every call: about 28 ms of CPU per turn, some 40 % of the Rasa server's
  time in `make bench`. Building the validator once gives the same verdicts and error message.
- With several workers (SANIC_WORKERS), Sanic forks them all and keeps the first process only to
  wait for them, holding its own copy of Rasa's imports. Here that process serves too and forks
  one worker fewer: the same number of processes answer, and one idle copy of Rasa is saved.
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


def serve_here_and_in_forks(server_settings: dict[str, Any], workers: int) -> None:
    """Sanic's `serve_multiple`, except that this process is one of the `workers`.

    The listening socket is bound here and inherited by the forked workers, as in Sanic. When
    this process is told to stop (SIGTERM, or Ctrl-C), it stops serving, then stops the others.
    """
    import asyncio
    import multiprocessing
    import signal

    from sanic.server.events import trigger_events
    from sanic.server.runners import serve
    from sanic.server.socket import bind_socket

    main_start = server_settings.pop("main_start", None)
    main_stop = server_settings.pop("main_stop", None)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    trigger_events(main_start, loop)
    sock = server_settings.get("sock") or bind_socket(
        server_settings["host"], server_settings["port"], backlog=server_settings["backlog"]
    )
    sock.set_inheritable(True)
    server_settings.update(sock=sock, host=None, port=None, reuse_port=True)
    forks = [
        multiprocessing.get_context("fork").Process(
            target=serve, kwargs={**server_settings, "run_multiple": True}, daemon=True
        )
        for _ in range(workers - 1)
    ]
    for process in forks:
        process.start()
    try:
        serve(**server_settings)
    finally:
        for process in forks:
            if process.is_alive():
                os.kill(process.pid, signal.SIGTERM)
        for process in forks:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
        trigger_events(main_stop, loop)
        sock.close()
        loop.close()


def install_serving_in_the_first_process() -> None:
    import sanic.app

    sanic.app.serve_multiple = serve_here_and_in_forks  # type: ignore[attr-defined]


def main() -> None:
    from bot.launcher import die_with_parent

    install_fast_action_validation()
    install_serving_in_the_first_process()
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
