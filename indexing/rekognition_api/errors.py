"""Errors of the API itself (authentication, routing, serialization), in Rekognition's JSON form."""

from ..engine.errors import EngineError


class ApiError(EngineError):
    def __init__(self, code: str, message: str, http_status: int = 400):
        super().__init__(message)
        self.code, self.http_status = code, http_status


def missing_token() -> ApiError:
    return ApiError("MissingAuthenticationTokenException", "Missing Authentication Token", 403)


def incomplete_signature(message: str) -> ApiError:
    return ApiError("IncompleteSignatureException", message, 400)


def invalid_signature(message: str) -> ApiError:
    return ApiError("InvalidSignatureException", message, 403)


def unrecognized_client() -> ApiError:
    return ApiError("UnrecognizedClientException", "The security token included in the request is invalid.", 403)


def serialization(message: str) -> ApiError:
    return ApiError("SerializationException", message, 400)
