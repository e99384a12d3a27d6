from __future__ import annotations

import pytest

from tests.fakes.llm_server import FakeLLMServer


@pytest.fixture
def server(fake_llm: FakeLLMServer) -> FakeLLMServer:
    """The session's fake model server, its request log emptied for this test."""
    fake_llm.reset()
    return fake_llm
