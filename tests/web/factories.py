"""factory_boy factories with Dutch fake data (seeded in conftest), and typed helpers to call them."""

# factory_boy is only partly typed: its declarations are checked through the typed helpers at the bottom.
# mypy: disable-error-code="attr-defined,no-untyped-call,type-arg,untyped-decorator,misc"

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import factory
from django.utils import timezone

from ivp.web.accounts.models import Team, User
from ivp.web.meldingen.models import Category, Melding


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("naam",)

    naam = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"medewerker{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    role = "behandelaar"
    password = factory.django.Password("een-lang-wachtwoord-123")

    @factory.post_generation
    def teams(self, create: bool, extracted: list[Team] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.teams.set(extracted)


def _category() -> Category:
    return Category.objects.get(slug="straatintimidatie")


class MeldingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Melding

    categorie = factory.LazyFunction(_category)
    tekst = factory.LazyAttribute(
        lambda o: f"Ik werd nageroepen door {o.dader} bij de Voorstraat 12. Bel mij op 06-12345678."
    )
    tijd_van = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    tijd_tot = factory.LazyAttribute(lambda o: o.tijd_van)
    buurt_code = "BU05050101"
    buurt_naam = "Groenmarkt en omgeving"
    volgcode_hash = factory.Sequence(lambda n: f"hash{n:060d}")

    class Params:
        dader = factory.Faker("name", locale="nl_NL")


def make_team(**kwargs: Any) -> Team:
    return cast(Team, TeamFactory(**kwargs))


def make_user(**kwargs: Any) -> User:
    return cast(User, UserFactory(**kwargs))


def make_melding(**kwargs: Any) -> Melding:
    return cast(Melding, MeldingFactory(**kwargs))
