"""A client of a local credential server, run in the child of `stscreds exec --server`
(or beside `stscreds serve`): botocore finds the server through
AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN, as in an
ECS container; the
plain requests go the same way with urllib.

Usage:
  container_client.py identity             botocore's credential source, key and caller ARN
  container_client.py concurrent N         N requests at once: how many got 200, distinct keys
  container_client.py keep-calling N MOST  sts:GetCallerIdentity and a plain request, over
                                           and over, until N different credentials were
                                           served (and 2 s more), at most MOST seconds:
                                           calls, failures, distinct expirations
  container_client.py until-failure SECONDS calls until one fails, then prints the SDK's
                                           error and the server's answers for 3 more
                                           seconds, and exits 3
"""

import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request

import boto3


def token() -> str:
    """The token the server handed over."""
    return os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]


def fetch() -> tuple[int, str]:
    """One plain request for the credentials: the status and the body."""
    request = urllib.request.Request(
        os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
        headers={"Authorization": token()},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def identity() -> None:
    session = boto3.Session()
    credentials = session.get_credentials()
    print("method=" + credentials.method)
    print("key=" + credentials.get_frozen_credentials().access_key)
    print("arn=" + session.client("sts").get_caller_identity()["Arn"])


def concurrent(count: int) -> None:
    barrier = threading.Barrier(count)
    results = []
    lock = threading.Lock()

    def one() -> None:
        barrier.wait()
        status, body = fetch()
        key = json.loads(body).get("AccessKeyId", "") if status == 200 else ""
        with lock:
            results.append((status, key))

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answered = sum(1 for status, _ in results if status == 200)
    keys = {key for status, key in results if status == 200}
    print(f"answered={answered} keys={len(keys)}")


def keep_calling(wanted: int, most: float) -> None:
    """Calls until the server has handed out `wanted` different credentials (told apart
    by their expiry), then for two more seconds; at most `most` seconds in all."""
    client = boto3.Session().client("sts")
    calls = failures = 0
    expirations = set()
    start = time.monotonic()
    end = start + most
    while time.monotonic() < end:
        calls += 1
        try:
            client.get_caller_identity()
            status, body = fetch()
            if status != 200:
                raise RuntimeError(f"the server answered {status}: {body}")
            expirations.add(json.loads(body)["Expiration"])
        except Exception as error:  # every failure is counted and shown
            failures += 1
            print(f"call {calls} failed: {error}", file=sys.stderr)
        if len(expirations) >= wanted:
            end = min(end, time.monotonic() + 2)
        time.sleep(0.2)
    print(f"calls={calls} failures={failures} expirations={len(expirations)}")


def until_failure(seconds: float) -> None:
    client = boto3.Session().client("sts")
    end = time.monotonic() + seconds
    calls = 0
    while time.monotonic() < end:
        calls += 1
        try:
            client.get_caller_identity()
        except Exception as error:
            print(f"calls={calls}")
            print(f"sdk error: {type(error).__name__}: {error}")
            status, body = fetch()
            print(f"server: {status} {body}")
            later = set()
            for _ in range(15):
                later.add(fetch()[0])
                time.sleep(0.2)
            print(f"server later: {sorted(later)}")
            sys.exit(3)
        time.sleep(0.2)
    print(f"calls={calls}, no failure")


def main() -> None:
    mode = sys.argv[1]
    if mode == "identity":
        identity()
    elif mode == "concurrent":
        concurrent(int(sys.argv[2]))
    elif mode == "keep-calling":
        keep_calling(int(sys.argv[2]), float(sys.argv[3]))
    elif mode == "until-failure":
        until_failure(float(sys.argv[2]))
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
