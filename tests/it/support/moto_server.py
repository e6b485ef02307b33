"""Run a moto server on 127.0.0.1 for the stscreds test suite.

Prints `listening on PORT` once ready, then serves until its stdin closes (the
test process that started it has ended) or its lifetime runs out, whichever
comes first. Binding port 0 lets the kernel pick a free port.

With `STSCREDS_MOTO_SESSIONS_OF_USERS=1` in its environment, GetSessionToken answers
as AWS does in one respect moto does not: each session gets a key id of its own, and
GetCallerIdentity with it names the IAM user whose key asked for it (moto's own
answer hands every session the same key, whose caller is a made-up `user/moto`). The
secret and token stay moto's fixed ones, which the tests know as secrets.
"""

import logging
import os
import sys
import threading

from moto.moto_server.threaded_moto_server import ThreadedMotoServer

MAX_LIFETIME_SECONDS = 30 * 60


def give_sessions_to_their_users() -> None:
    """Patches moto's STS so that a session is its IAM user's (see the module doc)."""
    from moto.core.responses import ActionResult
    from moto.iam.models import iam_backends
    from moto.sts.models import STSBackend
    from moto.sts.responses import TokenResponse

    owners = {}
    fixed_answer = TokenResponse.get_session_token
    moto_caller = STSBackend.get_caller_identity

    def get_session_token(self):
        answer = fixed_answer(self)
        iam = iam_backends[self.current_account][self.partition]
        user = iam.get_user_from_access_key_id(self.get_access_key())
        if user is None:
            return answer
        key = iam.create_temp_access_key()
        owners[key.access_key_id] = user
        credentials = dict(answer.result["Credentials"], AccessKeyId=key.access_key_id)
        return ActionResult({"Credentials": credentials})

    def get_caller_identity(self, access_key_id, region):
        user = owners.get(access_key_id)
        if user is None:
            return moto_caller(self, access_key_id, region)
        return user.id, user.arn, user.account_id

    TokenResponse.get_session_token = get_session_token
    STSBackend.get_caller_identity = get_caller_identity


def main() -> None:
    if os.environ.get("STSCREDS_MOTO_SESSIONS_OF_USERS") == "1":
        give_sessions_to_their_users()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    print(f"listening on {port}", flush=True)

    stdin_closed = threading.Event()

    def wait_for_stdin_eof() -> None:
        sys.stdin.read()
        stdin_closed.set()

    threading.Thread(target=wait_for_stdin_eof, daemon=True).start()
    stdin_closed.wait(timeout=MAX_LIFETIME_SECONDS)
    server.stop()


if __name__ == "__main__":
    main()
