"""Verifying AWS Signature Version 4 on an incoming request, with botocore's own signer.

The client signed a canonical form of the request with its secret; we rebuild the same request
from what arrived (the signed headers only, the path, the query, the body), let botocore's
SigV4Auth compute the signature with the secret we keep, and compare. Also refused: unknown or
revoked keys, a date more than REKOGNITION_API_MAX_CLOCK_SKEW away from now (replays), and a
credential scope for another service, and a signature that does not cover host, x-amz-date,
x-amz-target and content-type (AWS's rule for JSON protocols: a captured DescribeCollection cannot
be replayed as DeleteCollection).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from django.conf import settings
from django.utils.encoding import escape_uri_path

from . import errors, keys
from .models import ApiAccessKey

SERVICE = "rekognition"
AMZ_DATE = "%Y%m%dT%H%M%SZ"
# What AWS requires signed on a JSON-protocol request: the operation and the body's type included.
SIGNED_HEADERS = ("host", "x-amz-date", "x-amz-target", "content-type")


def verify(request) -> ApiAccessKey:
    """The active key that signed this Django request; raises errors.ApiError otherwise."""
    header = request.headers.get("Authorization", "")
    if not header:
        raise errors.missing_token()
    auth = _parse_authorization(header)
    amz_date = request.headers.get("X-Amz-Date", "")
    when = _check_date(amz_date, auth["date"])
    if auth["service"] != SERVICE:
        raise errors.invalid_signature(f"Credential should be scoped to correct service: '{SERVICE}'.")
    unsigned = [h for h in SIGNED_HEADERS if h not in auth["signed_headers"]]
    if unsigned:  # else a captured request could be replayed as another operation
        raise errors.incomplete_signature(
            f"The headers {', '.join(SIGNED_HEADERS)} must be signed (SignedHeaders lacks {', '.join(unsigned)})."
        )
    key = keys.key_active(auth["access_key_id"])
    secret = keys.key_secret(key) if key else None
    if secret is None:
        raise errors.unrecognized_client()
    expected = _signature(request, auth, secret, when)
    if not hmac.compare_digest(expected, auth["signature"]):
        raise errors.invalid_signature(
            "The request signature we calculated does not match the signature you "
            "provided. Check your AWS Secret Access Key and signing method."
        )
    key.signing_region = auth["region"]
    return key


def _parse_authorization(header: str) -> dict:
    algorithm, _, rest = header.partition(" ")
    if algorithm != "AWS4-HMAC-SHA256":
        raise errors.incomplete_signature("Only AWS4-HMAC-SHA256 signatures are accepted.")
    parts = dict(p.strip().partition("=")[::2] for p in rest.split(","))
    try:
        access_key_id, date, region, service, terminator = parts["Credential"].split("/")
        signed_headers = parts["SignedHeaders"].split(";")
        signature = parts["Signature"]
    except (KeyError, ValueError):
        raise errors.incomplete_signature(
            "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters."
        ) from None
    if terminator != "aws4_request" or not region:
        raise errors.incomplete_signature("Credential should be KEY/DATE/REGION/SERVICE/aws4_request.")
    return {
        "access_key_id": access_key_id,
        "date": date,
        "region": region,
        "service": service,
        "signed_headers": signed_headers,
        "signature": signature,
    }


def _check_date(amz_date: str, scope_date: str) -> datetime:
    try:
        when = datetime.strptime(amz_date, AMZ_DATE).replace(tzinfo=UTC)
    except ValueError:
        raise errors.incomplete_signature("X-Amz-Date must be a date such as 20240101T120000Z.") from None
    if scope_date != amz_date[:8]:
        raise errors.invalid_signature(
            f"Date in Credential scope does not match YYYYMMDD from X-Amz-Date: {scope_date} != {amz_date[:8]}."
        )
    skew = settings.REKOGNITION_API_MAX_CLOCK_SKEW
    now = datetime.now(UTC)
    if abs((now - when).total_seconds()) > skew:
        raise errors.invalid_signature(
            f"Signature expired: {amz_date} is more than {skew // 60} minutes away "
            f"from the server's time {now.strftime(AMZ_DATE)}."
        )
    return when


def _signature(request, auth: dict, secret: str, when: datetime) -> str:
    body = request.body
    headers = {}
    for name in auth["signed_headers"]:
        value = request.headers.get(name)
        if value is None:
            raise errors.incomplete_signature(f"The signed header '{name}' is missing from the request.")
        headers[name] = value
    sent_hash = headers.get("x-amz-content-sha256")
    if sent_hash is not None and not hmac.compare_digest(sent_hash, hashlib.sha256(body).hexdigest()):
        raise errors.invalid_signature("The x-amz-content-sha256 header does not match the body.")
    query = request.META.get("QUERY_STRING", "")
    url = f"http://{headers['host']}{escape_uri_path(request.path)}" + (f"?{query}" if query else "")
    signed = AWSRequest(method=request.method, url=url, headers=headers, data=body)
    signed.context["timestamp"] = when.strftime(AMZ_DATE)
    signer = SigV4Auth(Credentials(auth["access_key_id"], secret), auth["service"], auth["region"])
    string_to_sign = signer.string_to_sign(signed, signer.canonical_request(signed))
    return signer.signature(string_to_sign, signed)
