"""学习培训 over the API: my 学时 and the overview, scoped as the pages."""

from rest_framework.test import APIClient

from dangqun.accounts.services import create_token
from dangqun.learning import ledger


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {create_token(None, user, 'test')}")
    return client


def test_my_ledger_and_the_overview(world, held):
    year, _ = held
    ledger.refresh(year)
    mine = client_for(world.member).get(f"/api/learning/my-ledger/?year={year}")
    assert mine.status_code == 200
    body = mine.json()
    assert body["done"] == "10.0" and body["required"] == "32.0" and body["left"] == "22.0"
    assert [e["source_name"] for e in body["entries"]] == ["主题党日", "主题党日", "党课"]
    assert body["by_source"] == [
        {"source": "党课", "hours": "2.0"},
        {"source": "主题党日", "hours": "8.0"},
    ]
    assert client_for(world.owner).get("/api/learning/my-ledger/").status_code == 404  # no person

    url = f"/api/learning/overview/?org={world.branch_a.pk}&year={year}"
    shown = client_for(world.owner).get(url)
    assert shown.status_code == 200
    assert [p["name"] for p in shown.json()["short"]] == ["李四", "张三"]
    assert shown.json()["total"]["members"] == 2
    assert client_for(world.outsider).get(url).status_code == 404
    assert client_for(world.member).get("/api/learning/overview/").status_code == 404
