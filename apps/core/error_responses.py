"""What a request gets when things go wrong: JSON under the API prefix, always; a readable 503
page (never a 500) elsewhere when PostgreSQL or Redis does not answer."""

from __future__ import annotations

import logging

import redis.exceptions
from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DatabaseError, DataError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse, RawPostDataException
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils.deprecation import MiddlewareMixin
from kombu.exceptions import OperationalError as BrokerError

from apps.core.http import json_error

logger = logging.getLogger(__name__)

# A client that reads Retry-After waits this long (seconds) before trying again.
RETRY_AFTER_SECONDS = 10
UNAVAILABLE_MESSAGE = "The service is briefly unavailable (a database or queue did not answer)."

# Raised when PostgreSQL or Redis (cache, channel layer, Celery broker) does not answer.
UNAVAILABLE: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.BusyLoadingError,
    BrokerError,
)

# Django's own bad-request errors under the API: (status, error_code, error_message).
_BAD_REQUESTS: tuple[tuple[type[BaseException], int, str, str], ...] = (
    (
        RequestDataTooBig,
        413,
        "request_too_large",
        "The request body is too large.",
    ),
    (
        TooManyFilesSent,
        400,
        "too_many_files",
        f"Too many files sent; at most {settings.MAX_FILE_COUNT} can be uploaded at once.",
    ),
    (TooManyFieldsSent, 400, "too_many_fields", "The request has too many form fields."),
    (
        RawPostDataException,
        415,
        "unsupported_media_type",
        "Send this endpoint a JSON body (Content-Type: application/json).",
    ),
    (MultiPartParserError, 400, "bad_request", "The multipart body could not be read."),
    (DataError, 400, "invalid_input", "The request contains a value that cannot be stored."),
    (SuspiciousOperation, 400, "bad_request", "The request was refused as malformed."),
    (BadRequest, 400, "bad_request", "The request was refused as malformed."),
    (UnicodeError, 400, "invalid_input", "The request contains text that is not valid Unicode."),
)

# An error response that is not JSON (Django's own 404, 405, 413...) gets one of these codes.
_CODES = {
    400: "bad_request",
    401: "authentication_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}
_MESSAGES = {
    404: "There is nothing at this address.",
    405: "This method is not allowed on this endpoint.",
    500: "The server failed unexpectedly; the error has been logged.",
}


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(settings.API_PATH_PREFIX)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        response: HttpResponse = json_error(503, "service_unavailable", UNAVAILABLE_MESSAGE)
    else:
        response = HttpResponse(
            render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _is_json(response: HttpResponseBase) -> bool:
    return str(response.get("Content-Type", "")).startswith("application/json")


class ErrorResponseMiddleware(MiddlewareMixin):
    """Outermost of the app's middleware, so it sees every error response and view exception."""

    sync_capable = True
    async_capable = True

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, UNAVAILABLE):
            logger.warning(
                "event=service_unavailable path=%s error=%s",
                request.path,
                type(exception).__name__,
            )
            return service_unavailable(request)
        if not is_api(request):
            return None
        for kind, status, code, message in _BAD_REQUESTS:
            if isinstance(exception, kind):
                logger.info("event=api_bad_request path=%s code=%s", request.path, code)
                return json_error(status, code, message)
        if isinstance(exception, DatabaseError | RecursionError):
            logger.warning("event=api_refused path=%s", request.path, exc_info=exception)
            return json_error(400, "invalid_input", "The request could not be processed.")
        logger.error("event=api_crashed path=%s", request.path, exc_info=exception)
        return json_error(500, "internal_error", _MESSAGES[500])

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.status_code < 400 or not is_api(request) or _is_json(response):
            return response
        status = response.status_code
        code = _CODES.get(status, "bad_request" if status < 500 else "internal_error")
        message = _MESSAGES.get(status, str(response.reason_phrase or code))
        replacement = JsonResponse(
            {"success": False, "error_code": code, "error_message": message}, status=status
        )
        for header in ("Allow", "Retry-After"):
            if header in response:
                replacement[header] = response[header]
        return replacement
