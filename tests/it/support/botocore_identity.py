"""Load a profile the way the AWS CLI and boto3 do, and call sts:GetCallerIdentity.

Usage: botocore_identity.py PROFILE ENDPOINT_URL
Prints the access key botocore loaded from the shared credentials file, then the
caller's ARN. Any parse problem in the files stscreds wrote fails this script.
"""

import sys

import boto3


def main() -> None:
    profile, endpoint = sys.argv[1], sys.argv[2]
    session = boto3.Session(profile_name=profile, region_name="us-east-1")
    credentials = session.get_credentials().get_frozen_credentials()
    identity = session.client("sts", endpoint_url=endpoint).get_caller_identity()
    print(credentials.access_key)
    print(identity["Arn"])


if __name__ == "__main__":
    main()
