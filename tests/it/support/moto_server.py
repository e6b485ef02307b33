"""Run a moto server on 127.0.0.1 for the stscreds test suite.

Prints `listening on PORT` once ready, then serves until its stdin closes (the
test process that started it has ended) or its lifetime runs out, whichever
comes first. Binding port 0 lets the kernel pick a free port.
"""

import logging
import sys
import threading

from moto.moto_server.threaded_moto_server import ThreadedMotoServer

MAX_LIFETIME_SECONDS = 30 * 60


def main() -> None:
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
