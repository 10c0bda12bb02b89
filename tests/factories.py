"""factory_boy factories for the models tests build on."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from projects.models import Channel, Chapter, Project, Run, Shot


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery")


class ChannelFactory(DjangoModelFactory[Channel]):
    class Meta:
        model = Channel

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Channel {n}")
    niche = "space history"
    audience = "curious adults"
    tone = "warm"


class ProjectFactory(DjangoModelFactory[Project]):
    class Meta:
        model = Project

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    idea = "How the Voyager probes left the solar system"


class ChapterFactory(DjangoModelFactory[Chapter]):
    class Meta:
        model = Chapter

    project = factory.SubFactory(ProjectFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Chapter {n}")
    beats = factory.LazyFunction(lambda: ["set the scene", "the turn"])
    narration = "In 1977 two probes left Earth."


class ShotFactory(DjangoModelFactory[Shot]):
    class Meta:
        model = Shot

    project = factory.SubFactory(ProjectFactory)
    position = factory.Sequence(lambda n: n)
    prompt = "a probe drifting past Jupiter"
    start = factory.LazyAttribute(lambda s: s.position * 5.0)
    end = factory.LazyAttribute(lambda s: s.position * 5.0 + 5.0)


class RunFactory(DjangoModelFactory[Run]):
    class Meta:
        model = Run

    owner = factory.SubFactory(UserFactory)
    project = factory.SubFactory(ProjectFactory, owner=factory.SelfAttribute("..owner"))
    kind = "test.run"
