"""Helpers for the API tests."""

from django.test import Client


class ApiClient:
    """A Django test client that sends and reads JSON, authenticated by an API token or not at all."""

    def __init__(self, token: str | None = None, **client_kwargs):
        self.client = Client(**client_kwargs)
        self.headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}

    def get(self, url, data=None, **extra):
        return self.client.get(url, data, **self.headers, **extra)

    def post(self, url, data=None, **extra):
        return self.client.post(url, data, content_type="application/json", **self.headers, **extra)

    def put(self, url, data=None, **extra):
        return self.client.put(url, data, content_type="application/json", **self.headers, **extra)

    def patch(self, url, data=None, **extra):
        return self.client.patch(
            url, data, content_type="application/json", **self.headers, **extra
        )

    def delete(self, url, **extra):
        return self.client.delete(url, **self.headers, **extra)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]
