from __future__ import annotations

import factory
from django.utils import timezone

from apps.accounts.models import User
from apps.conversations.models import Conversation, Message, Run
from apps.core.sources import Source
from apps.core.writing import WritingRequest
from apps.streaming.models import RunEvent

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"writer{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    user = factory.SubFactory(UserFactory)
    title = "The ethics of artificial intelligence"


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    role = Message.Role.USER
    content = "Write an essay on the ethics of artificial intelligence in healthcare."


class RunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Run

    conversation = factory.SubFactory(ConversationFactory)
    user_message = factory.SubFactory(
        MessageFactory, conversation=factory.SelfAttribute("..conversation")
    )
    writeup_type = "essay"
    citation_style = "apa7"
    academic_level = "undergraduate"
    target_word_count = 1000
    model = "offline"


class RunEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RunEvent

    run = factory.SubFactory(RunFactory)
    seq = factory.Sequence(lambda n: n + 1)
    type = "routing"
    payload = factory.LazyFunction(
        lambda: {"system": "simple", "complexity": 3.0, "reason": "short essay"}
    )
    created_at = factory.LazyFunction(timezone.now)


class WritingRequestFactory(factory.Factory):
    """A valid writing request; override what the test is about."""

    class Meta:
        model = WritingRequest

    prompt = "Write an essay on the ethics of AI in healthcare."
    writeup_type = "essay"
    citation_style = "apa7"
    academic_level = "undergraduate"
    target_word_count = 1000
    model = "offline"
    file_ids = ()


class SourceFactory(factory.Factory):
    """A retrieved passage of a work; passages of one work share a `key`."""

    class Meta:
        model = Source

    key = factory.Sequence(lambda n: f"work{n}")
    title = factory.LazyAttribute(lambda s: f"Work {s.key}")
    authors = ("Okafor, N.", "Chen, L.")
    year = 2021
    excerpt = "Heat islands warm cities."
    locator = ""
    locator_label = factory.LazyAttribute(lambda s: "page" if s.locator else "")
