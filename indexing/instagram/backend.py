"""Log in with Instagram (the Instagram API with Instagram Login), on social-auth-core's stock backend.

social-auth-core's `InstagramOAuth2` is from the Basic Display era (see
../shared/reference/instagram.md). This subclass fixes its gaps: base URLs from settings
(SOCIAL_AUTH_INSTAGRAM_AUTHORIZATION_URL / _ACCESS_TOKEN_URL / _GRAPH_URL), the default scope,
the documented `{"data": [...]}` token answer, the short -> long-lived token exchange,
`expires_in` kept, refresh through `refresh_access_token`, and no parameter added to
redirect_uri (Instagram matches it exactly).
"""

from __future__ import annotations

from typing import Any

from social_core.backends.instagram import InstagramOAuth2
from social_core.exceptions import AuthCredentialError, AuthPolicyError

from .refusals import reason_of_error, remember_refusal

GRAPH_URL = "https://graph.instagram.com"


class InstagramLogin(InstagramOAuth2):
    name = "instagram"
    REDIRECT_STATE = False  # state goes in its own parameter; redirect_uri stays exactly as registered
    STATE_PARAMETER = True
    DEFAULT_SCOPE = ["instagram_business_basic"]
    SCOPE_SEPARATOR = ","
    REFRESH_TOKEN_METHOD = "GET"
    EXTRA_DATA = ["expires_in", "token_type", "permissions", "user_id"]

    def graph_url(self) -> str:
        return str(self.setting("GRAPH_URL", GRAPH_URL)).rstrip("/")

    def request_access_token(self, *args, **kwargs) -> dict[Any, Any]:
        answer = super().request_access_token(*args, **kwargs)
        data = answer.get("data")
        if isinstance(data, list) and data and isinstance(data[0], dict):  # the documented shape
            return {**data[0]}
        return answer

    def do_auth(self, access_token, *args, **kwargs):
        """Swap the one-hour token for a 60-day one before the pipeline stores it."""
        _key, secret = self.get_key_and_secret()
        long_lived = self.get_json(
            f"{self.graph_url()}/access_token",
            params={"grant_type": "ig_exchange_token", "client_secret": secret, "access_token": access_token},
            stage="token_exchange",
        )
        long_token = self.get_access_token(long_lived)
        response = {**(kwargs.pop("response", None) or {}), **long_lived, "access_token": long_token}
        return super().do_auth(long_token, *args, response=response, **kwargs)

    def graph_api_url(self) -> str:
        """Graph calls are pinned to a version; the token endpoints above stay unversioned, as documented."""
        version = str(self.setting("GRAPH_VERSION", "") or "").strip("/")
        return f"{self.graph_url()}/{version}" if version else self.graph_url()

    def user_data(self, access_token: str, *args, **kwargs) -> dict[str, Any] | None:
        params = {"access_token": access_token, "fields": "id,user_id,username,account_type"}
        user = self.get_json(f"{self.graph_api_url()}/me", params=params)
        if str(user.get("account_type") or "").upper() == "PERSONAL":  # Instagram refuses these; never crawl one
            remember_refusal(self.strategy, "personal")
            raise AuthPolicyError(
                self, "Only professional (Business or Creator) accounts can log in.", code="personal_account"
            )
        return {"user": user}

    def process_error(self, data, *, stage="callback") -> None:
        """Instagram sent the person back with ?error=...: note which refusal it was for the page they land on."""
        if data.get("error"):
            remember_refusal(self.strategy, reason_of_error(data))
        return super().process_error(data, stage=stage)

    # refresh: the long-lived token refreshes itself (there is no separate refresh token)
    def get_refresh_token(self, extra_data: dict[str, Any]) -> str | None:
        token = extra_data.get("access_token")
        return token if isinstance(token, str) and token else None

    def refresh_token_url(self) -> str:
        return f"{self.graph_url()}/refresh_access_token"

    def refresh_token_params(self, token: str, *args, **kwargs) -> dict[str, str]:
        return {"grant_type": "ig_refresh_token", "access_token": token}

    def get_provider_error(self, data, *, stage="callback", status_code=None, retry_after=None):
        """Instagram's two error shapes: OAuth code 190 means log in again; the token endpoint's flat one."""
        if isinstance(data, dict) and isinstance(data.get("error"), dict) and data["error"].get("code") == 190:
            return AuthCredentialError(
                self,
                data["error"].get("message", ""),
                code="reauthentication_required",
                stage=stage,
                provider_code=190,
                status_code=status_code,
            )
        if isinstance(data, dict) and data.get("error_type") and data.get("error_message"):
            return AuthCredentialError(
                self,
                str(data["error_message"]),
                code="authorization_code_rejected",
                stage=stage,
                provider_code=data.get("code"),
                status_code=status_code,
            )
        return super().get_provider_error(data, stage=stage, status_code=status_code, retry_after=retry_after)
