from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx
from django.test import Client

from apps.accounts.models import User
from apps.accounts.services import api_token_create
from tests.factories import UserFactory
from tests.respx_httpcore2 import HTTPCore2Mocker


@pytest.fixture
def user(db) -> User:
    return UserFactory()


@pytest.fixture
def other_user(db) -> User:
    return UserFactory()


@pytest.fixture
def auth_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other_client(other_user: User) -> Client:
    client = Client()
    client.force_login(other_user)
    return client


@pytest.fixture
def api_token(user: User) -> str:
    return api_token_create(user=user, name="tests").secret


@pytest.fixture
def token_client(api_token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {api_token}"})


@pytest.fixture
def llm_http() -> Iterator[respx.MockRouter]:
    """Model providers faked at the HTTP level (tests/llm_fakes.py, tests/respx_httpcore2.py).
    Any request no route matches fails the test, so nothing reaches the network."""
    with respx.mock(using=HTTPCore2Mocker.name, assert_all_called=False) as router:
        yield router


@pytest.fixture
def openai_configured(settings):
    settings.OPENAI_API_KEY = "sk-test-openai"
    settings.OPENAI_MODELS = ["gpt-4o-mini", "gpt-4o"]
    settings.LLM_MAX_RETRIES = 2
    return settings
