"""Fetching a photo from a URL someone gave us, without letting them aim the server at its own network.

Rules: https only; no user:password in the URL; every address the host resolves to must be a
public one (no loopback, private, link-local, multicast or reserved range, IPv4-mapped ones
included); redirects are not followed; the body stops at TAGGING_FETCH_MAX_BYTES. Hosts listed
in TAGGING_ALLOW_HTTP_HOSTS (tests only) may be plain http and private.

Known gap: the host is resolved here and again by the HTTP client, so a DNS answer that changes
between the two (rebinding) is not caught; run the app behind an egress proxy where that matters.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import requests
from django.conf import settings


class FetchRefused(Exception):
    """The URL is not fetched, or its answer is not taken; `str(e)` says why, for the caller."""


def _allowed_plain(host: str, port: int) -> bool:
    allowed = settings.TAGGING_ALLOW_HTTP_HOSTS
    return host in allowed or f"{host}:{port}" in allowed


def check_address(address: str) -> None:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if not ip.is_global or ip.is_multicast:
        raise FetchRefused(f"The host resolves to {address}, which is not a public address.")


def check_url(url: str) -> tuple[str, int, bool]:
    """(host, port, allowed over plain http) for a URL that passes the rules; FetchRefused otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise FetchRefused(f"That is not a URL: {e}") from e
    host = parts.hostname or ""
    port = port or (443 if parts.scheme == "https" else 80)
    plain = _allowed_plain(host, port)
    if parts.scheme != "https" and not (parts.scheme == "http" and plain):
        raise FetchRefused("Only https URLs are fetched.")
    if not host:
        raise FetchRefused("The URL has no host.")
    if parts.username or parts.password:
        raise FetchRefused("URLs with a user name or password are not fetched.")
    if not plain:
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
        except OSError as e:
            raise FetchRefused(f"The host {host} cannot be resolved.") from e
        for address in addresses:
            check_address(address)
    return host, port, plain


def fetch_photo(url: str) -> tuple[bytes, str]:
    """The body of `url` and a file name for it, within the rules above."""
    check_url(url)
    limit = settings.TAGGING_FETCH_MAX_BYTES
    try:
        with requests.get(
            url,
            stream=True,
            allow_redirects=False,
            timeout=settings.TAGGING_FETCH_TIMEOUT,
            headers={"User-Agent": "faceapp-tagging/1"},
        ) as response:
            if response.is_redirect:
                raise FetchRefused("The URL redirects; give the final URL of the photo.")
            if response.status_code != 200:
                raise FetchRefused(f"The server answered HTTP {response.status_code}.")
            if int(response.headers.get("Content-Length") or 0) > limit:
                raise FetchRefused(f"The photo is larger than {limit} bytes.")
            data = bytearray()
            for chunk in response.iter_content(64 * 1024):
                data += chunk
                if len(data) > limit:
                    raise FetchRefused(f"The photo is larger than {limit} bytes.")
    except requests.RequestException as e:
        raise FetchRefused(f"The photo could not be fetched: {e.__class__.__name__}.") from e
    name = PurePosixPath(urlsplit(url).path).name or "photo"
    return bytes(data), name[:255]
