"""Ask the image registry for an image by its tags, signing with AWS credentials (SigV4).

A service with an IAM role (an EC2 instance, an ECS task, a Lambda function, a Glue job) calls the
registry's service API, the stack's ServiceApiUrl; botocore's SigV4Auth signs each request with the
role's credentials for the service execute-api. The role needs the stack's ServiceReadPolicyArn and
an entry in the registry's serviceCallers naming its tenant (docs/callers.md).

    REGISTRY_URL=https://abc123.execute-api.eu-west-1.amazonaws.com python3 find_image.py spark 3.5

Prints {"id": ..., "username": ...} for the first image carrying every tag, or null. Credentials and
region come from botocore's usual chain (environment, profile, instance or task role).
"""

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest


def signed_get(url, session):
    """GET url signed with the session's credentials; the parsed JSON answer."""
    request = AWSRequest(method="GET", url=url)
    region = session.get_config_variable("region") or os.environ.get("AWS_REGION") or "us-east-1"
    SigV4Auth(session.get_credentials(), "execute-api", region).add_auth(request)
    with urllib.request.urlopen(urllib.request.Request(url, headers=dict(request.headers.items()))) as answer:
        return json.load(answer)


def find_image(registry_url, tags, session=None):
    """The first registered image carrying every tag (by id), as {"id", "username"}, or None."""
    session = session or botocore.session.get_session()
    query = "&".join(f"tags={urllib.parse.quote(tag, safe='')}" for tag in tags)
    images = signed_get(f"{registry_url.rstrip('/')}/v2/images?{query}&limit=1", session)["images"]
    return {"id": images[0]["id"], "username": images[0]["username"]} if images else None


def main():
    if len(sys.argv) < 2 or not os.environ.get("REGISTRY_URL"):
        sys.exit("usage: REGISTRY_URL=<ServiceApiUrl> python3 find_image.py TAG [TAG...]")
    try:
        print(json.dumps(find_image(os.environ["REGISTRY_URL"], sys.argv[1:])))
    except urllib.error.HTTPError as error:
        body = json.loads(error.read() or b"{}")
        sys.exit(f"image registry: {error.code} {body.get('error_name', '')}: {body.get('error_message', body.get('message', ''))}")


if __name__ == "__main__":
    main()
