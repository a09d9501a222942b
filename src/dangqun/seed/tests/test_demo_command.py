"""``dangqun demo --no-serve``: prepares an empty database once and prints how to log in."""

from io import StringIO

import pytest
from django.core.management import call_command

from dangqun.orgs.models import Org
from dangqun.people.models import Person


@pytest.mark.django_db
def test_demo_seeds_an_empty_database_once(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    out = StringIO()
    call_command("demo", "--no-serve", "--port", "8123", stdout=out)
    text = out.getvalue()
    people, orgs = Person.objects.count(), Org.objects.count()
    assert people >= 2000 and orgs > 150
    assert "http://127.0.0.1:8123/" in text
    for username in ("admin", "dangwei", "shuji", "yuangong"):
        assert f"{username:<9} / dangqun123" in text

    again = StringIO()
    call_command("demo", "--no-serve", stdout=again)
    assert "跳过生成演示企业" in again.getvalue()
    assert "dangwei" in again.getvalue()
    assert (Person.objects.count(), Org.objects.count()) == (people, orgs)
