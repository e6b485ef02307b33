"""boto3 as a user's program runs it: the default session (credential chain, profile,
region and AWS_ENDPOINT_URL all from the environment and ~/.aws), then
sts:GetCallerIdentity.

Usage: boto3_identity.py
Prints one JSON line: {"arn", "account", "key", "region"} (key: the access key id
botocore signs with). Any failure exits non-zero with botocore's error on stderr, in
one line.
"""

import json
import sys

import boto3


def main() -> None:
    session = boto3.Session()
    identity = session.client("sts").get_caller_identity()
    credentials = session.get_credentials()
    print(
        json.dumps(
            {
                "arn": identity["Arn"],
                "account": identity["Account"],
                "key": credentials.get_frozen_credentials().access_key,
                "region": session.region_name,
            }
        )
    )


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # one line, as a user's script would show it
        sys.exit(f"{type(error).__name__}: {error}")
