"""Turn what the SDKs raise into the few error codes a run can end with."""

from __future__ import annotations

import anthropic
import httpx2
import openai

from apps.pipeline.providers.base import ProviderError

RATE_LIMITED = "provider_rate_limited"
AUTH_FAILED = "provider_auth_failed"
UNAVAILABLE = "provider_unavailable"
BAD_REQUEST = "provider_bad_request"
BAD_RESPONSE = "provider_bad_response"

_TIMEOUTS = (openai.APITimeoutError, anthropic.APITimeoutError)
_CONNECTION = (openai.APIConnectionError, anthropic.APIConnectionError, httpx2.HTTPError)
_STATUS = (openai.APIStatusError, anthropic.APIStatusError)


def _detail(error: BaseException) -> str:
    # The provider's own words help staff, but are trimmed: they can be long.
    message = getattr(error, "message", None) or str(error)
    return message if len(message) <= 300 else message[:299] + "…"


def from_sdk(error: Exception, *, vendor: str, retries: int) -> ProviderError:
    """The SDK has already retried 429s, 5xx and broken connections `retries` times."""
    tried = f" after {retries} retr{'y' if retries == 1 else 'ies'}" if retries else ""
    if isinstance(error, _TIMEOUTS):
        return ProviderError(UNAVAILABLE, f"{vendor} did not answer in time{tried}.")
    if isinstance(error, _CONNECTION):
        return ProviderError(
            UNAVAILABLE, f"The connection to {vendor} failed{tried}: {_detail(error)}"
        )
    status = error.status_code if isinstance(error, _STATUS) else None
    if status in (401, 403):
        return ProviderError(
            AUTH_FAILED, f"{vendor} rejected the API key ({status}): {_detail(error)}"
        )
    if status == 429:
        return ProviderError(
            RATE_LIMITED,
            f"{vendor} is rate-limiting or out of quota{tried}; try again later. {_detail(error)}",
        )
    if status is not None and (status >= 500 or status in (408, 409)):
        return ProviderError(
            UNAVAILABLE, f"{vendor} is unavailable ({status}){tried}: {_detail(error)}"
        )
    if status is not None and 400 <= status < 500:
        return ProviderError(
            BAD_REQUEST, f"{vendor} refused the request ({status}): {_detail(error)}"
        )
    return ProviderError(BAD_RESPONSE, f"{vendor} sent an unexpected answer: {_detail(error)}")


def cut_short(vendor: str) -> ProviderError:
    return ProviderError(
        BAD_RESPONSE, f"{vendor}'s stream ended before the model finished; the text so far is kept."
    )
