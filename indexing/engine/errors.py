"""Engine errors, named and coded like Rekognition's error types."""


class EngineError(Exception):
    """Base of every expected engine failure; `code` is Rekognition's `__type`."""

    code = "InternalServerError"
    http_status = 400

    def __init__(self, message: str = ""):
        super().__init__(message or self.code)
        self.message = message or self.code


class InvalidParameter(EngineError):
    code = "InvalidParameterException"


class ResourceNotFound(EngineError):
    code = "ResourceNotFoundException"


class ResourceAlreadyExists(EngineError):
    code = "ResourceAlreadyExistsException"


class InvalidImageFormat(EngineError):
    code = "InvalidImageFormatException"


class ImageTooLarge(EngineError):
    code = "ImageTooLargeException"


class InvalidPaginationToken(EngineError):
    code = "InvalidPaginationTokenException"


class Validation(EngineError):
    code = "ValidationException"


class ModelFileMismatch(EngineError):
    """A model file on disk is not the one this code was calibrated for."""

    code = "InternalServerError"
    http_status = 500


class AccessDenied(EngineError):
    code = "AccessDeniedException"


class InvalidS3Object(EngineError):
    code = "InvalidS3ObjectException"


class EngineUnavailable(ConnectionError):
    """The engine could not be reached, or kept throttling or failing after its retries.

    A ConnectionError, not an EngineError: the photo is not at fault, so the pipeline leaves it
    pending and the task retries later.
    """


class Conflict(EngineError):
    code = "ConflictException"


class IdempotentParameterMismatch(EngineError):
    code = "IdempotentParameterMismatchException"


class ServiceQuotaExceeded(EngineError):
    code = "ServiceQuotaExceededException"
