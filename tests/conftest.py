from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import respx
from channels.layers import channel_layers, get_channel_layer
from django.conf import settings as django_settings
from django.test import Client

from apps.accounts.models import User
from apps.accounts.services import api_token_create
from apps.streaming.hub import get_hub
from tests.factories import UserFactory
from tests.fakes.llm_server import FakeLLMServer
from tests.fakes.scholarly_server import FakeScholarlyServer
from tests.live import LiveStack, start_stack
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
def media_root(settings, tmp_path) -> Path:
    """Uploads go to the test's own directory, so "nothing left behind" can be checked by
    listing it, and no test writes into the checkout's media/."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


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


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def fake_llm() -> Iterator[FakeLLMServer]:
    """One fake model server for the session (tests/fakes/llm_server.py): OpenAI Responses,
    Chat Completions and Anthropic Messages over real HTTP, the behaviour chosen by the model
    name (`fake_model(behaviour, provider)`). Reads `fake_llm.requests`; `fake_llm.reset()`."""
    with FakeLLMServer() as server:
        yield server


@pytest.fixture(scope="session")
def fake_model_url(fake_llm: FakeLLMServer) -> str:
    """The fake server as an OpenAI-compatible endpoint (LLM_BASE_URL), as Ollama or vLLM is."""
    return fake_llm.openai_base_url


@pytest.fixture
def fake_llm_configured(settings, fake_llm: FakeLLMServer) -> FakeLLMServer:
    """This process offers the same fake models as the live worker: every behaviour through
    OpenAI (`fake-obeys`), Anthropic (`fake-obeys@anthropic`) and the compatible server
    (`fake-obeys@compatible`), all served by `fake_llm`, whose request log starts empty."""
    for name, value in fake_llm.settings().items():
        setattr(settings, name, value)
    fake_llm.reset()
    return fake_llm


@pytest.fixture(scope="session")
def fake_indexes() -> Iterator[FakeScholarlyServer]:
    """The four scholarly indexes, replaying recorded bodies (tests/fakes/scholarly_server.py):
    empty answers unless a test `arm()`s it."""
    with FakeScholarlyServer() as server:
        yield server


@pytest.fixture(scope="session")
def live_stack(
    django_db_setup, django_db_blocker, fake_llm: FakeLLMServer, fake_indexes: FakeScholarlyServer
) -> Iterator[LiveStack]:
    # One worker for every end-to-end test (they share the test queue). Worker and Daphne can
    # write offline and with every fake model of every provider; offline stays the default
    # model, so a test that names none runs offline.
    models = {
        **fake_llm.env(),
        **fake_indexes.env(),
        "TEST_PROVIDERS_FROM_ENV": "1",
        "DEFAULT_MODEL": "offline",
    }
    stack = start_stack(
        database_name=django_settings.DATABASES["default"]["NAME"],
        log_dir=ARTIFACTS / "logs",
        worker_env=models,
        web_env=models,
    )
    yield stack
    stack.stop()


@pytest.fixture
async def fresh_channel_layer() -> AsyncIterator[None]:
    """Each test runs its own event loop, and channels-redis's locks and pools belong to the loop
    that made them: every test gets a layer of its own, and leaves nothing running behind."""
    channel_layers.backends.clear()
    yield
    # Bounded: a channels-redis receive being cancelled can wait on its connection for good
    # (seen in full runs, after the suites that kill and restart Redis servers). The loop and
    # everything it owns are discarded with the test either way.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(get_hub().close(), timeout=10)
    layer = get_channel_layer()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(layer.close_pools(), timeout=10)
    channel_layers.backends.clear()
    await asyncio.sleep(0)
