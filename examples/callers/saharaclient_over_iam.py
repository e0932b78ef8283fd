"""python-saharaclient, unchanged, calling the image registry's service API with IAM credentials.

keystoneauth's token-endpoint plugin gives the client a fixed endpoint and no Keystone; the requests
session under it signs every request with SigV4 (botocore's SigV4Auth, service execute-api), so the
registry sees the role's signature. The role needs the stack's ServiceReadPolicyArn (or the write
one) and an entry in serviceCallers naming its tenant (docs/callers.md).

    REGISTRY_URL=https://abc123.execute-api.eu-west-1.amazonaws.com python3 saharaclient_over_iam.py spark 3.5

Prints the id and user name of every image carrying every tag, one per line.
"""

import os
import sys

import botocore.session
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from keystoneauth1 import session, token_endpoint
from saharaclient.api.client import ClientV2


class SignedBySigV4(requests.auth.AuthBase):
    """Signs each request as it leaves, with the credentials of the AWS session (refreshed as they rotate)."""

    def __init__(self, aws_session):
        self.aws_session = aws_session
        self.region = aws_session.get_config_variable("region") or os.environ.get("AWS_REGION") or "us-east-1"

    def __call__(self, request):
        # Sign what reaches the registry unchanged: method, URL, body and its type (the host comes from the URL).
        signed = AWSRequest(method=request.method, url=request.url, data=request.body,
                            headers={name: value for name, value in request.headers.items() if name.lower() == "content-type"})
        SigV4Auth(self.aws_session.get_credentials(), "execute-api", self.region).add_auth(signed)
        request.headers.update(dict(signed.headers.items()))
        return request


def registry_client(registry_url, aws_session=None):
    """A python-saharaclient v2 client whose every request is signed; v1.1 works the same with .../v1.1/<tenant>."""
    signing = requests.Session()
    signing.auth = SignedBySigV4(aws_session or botocore.session.get_session())
    # The token is never read on the service API: the signature is what IAM authorizes.
    endpoint = token_endpoint.Token(f"{registry_url.rstrip('/')}/v2", "unused")
    return ClientV2(session=session.Session(auth=endpoint, session=signing))


def main():
    if len(sys.argv) < 2 or not os.environ.get("REGISTRY_URL"):
        sys.exit("usage: REGISTRY_URL=<ServiceApiUrl> python3 saharaclient_over_iam.py TAG [TAG...]")
    client = registry_client(os.environ["REGISTRY_URL"])
    for image in client.images.list(search_opts={"tags": sys.argv[1:]}):
        print(image.id, image.username)


if __name__ == "__main__":
    main()
