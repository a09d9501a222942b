"""A generic OIDC provider (the local server): discovery, PKCE, a signed ID token checked against
the JWKS (issuer, audience, nonce), user info; sign-in through the same binding rules."""

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

from authlib.jose import JsonWebKey

from dangqun.connect.models import Binding
from dangqun.people.models import Person


def begin(client, next_url="/life/"):
    start = client.get("/connect/oidc/start/", {"next": next_url})
    assert start.status_code == 302
    return {k: v[0] for k, v in parse_qs(urlsplit(start["Location"]).query).items()}, start


def grant(fake, params, claims, **extra):
    """The provider's side: the person signed in, a code is issued for this request."""
    fake.state.oidc_codes["code-1"] = {
        "claims": claims,
        "nonce": params["nonce"],
        "challenge": params["code_challenge"],
        **extra,
    }


def test_authorization_request_has_state_nonce_and_pkce(client, fake, db):
    params, start = begin(client)
    assert start["Location"].startswith(f"{fake.issuer}/authorize?")
    assert params["response_type"] == "code" and params["client_id"] == "dangqun"
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert params["redirect_uri"] == "https://dq.example.cn/connect/oidc/callback/"
    assert params["scope"] == "openid profile phone"
    assert params["state"] and params["nonce"]


def test_sign_in_by_employee_number_claim_lands_on_next(client, fake, world):
    params, _ = begin(client, "/life/3/checkin/?c=AB")
    grant(fake, params, {"sub": "uid-77", "employee_number": "A0001"})
    done = client.get("/connect/oidc/callback/", {"code": "code-1", "state": params["state"]})
    assert done.status_code == 302 and done["Location"] == "/life/3/checkin/?c=AB"
    assert int(client.session["_auth_user_id"]) == world.member.pk
    binding = Binding.objects.get(provider="oidc")
    assert (binding.external_id, binding.matched_by) == ("uid-77", "employee_no")
    token_call = next(c for c in fake.state.calls if c[1] == "/oidc/token")
    verifier = token_call[3]["code_verifier"]
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    assert digest.decode() == params["code_challenge"]


def test_user_info_adds_the_phone_number(client, fake, world):
    Person.objects.filter(pk=world.zhao.pk).update(phone="13911112222")
    params, _ = begin(client)
    grant(fake, params, {"sub": "uid-9"})
    fake.state.oidc_codes["info:uid-9"] = {"phone_number": "+8613800000001"}
    done = client.get("/connect/oidc/callback/", {"code": "code-1", "state": params["state"]})
    assert done.status_code == 302
    assert Binding.objects.get(provider="oidc").matched_by == "mobile"


def test_an_id_token_signed_by_another_key_is_refused(client, fake, world):
    params, _ = begin(client)
    other = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "k1"})
    grant(fake, params, {"sub": "uid-1", "employee_number": "A0001"}, key=other)
    done = client.get("/connect/oidc/callback/", {"code": "code-1", "state": params["state"]})
    assert done.status_code == 403
    assert "未能确认您的身份" in done.content.decode()
    assert "_auth_user_id" not in client.session and not Binding.objects.exists()


def test_a_token_for_another_client_is_refused(client, fake, world):
    params, _ = begin(client)
    grant(fake, params, {"sub": "uid-1", "employee_number": "A0001", "aud": "someone-else"})
    done = client.get("/connect/oidc/callback/", {"code": "code-1", "state": params["state"]})
    assert done.status_code == 403 and "_auth_user_id" not in client.session


def test_a_replayed_nonce_is_refused(client, fake, world):
    first, _ = begin(client)
    second, _ = begin(client)
    grant(fake, second, {"sub": "uid-1", "employee_number": "A0001"})
    fake.state.oidc_codes["code-1"]["nonce"] = first["nonce"]  # a token minted for the first
    done = client.get("/connect/oidc/callback/", {"code": "code-1", "state": second["state"]})
    assert done.status_code == 403


def test_an_issuer_that_does_not_match_is_refused(client, fake, db, settings):
    settings.DANGQUN_OIDC = {**settings.DANGQUN_OIDC, "issuer": f"{fake.url}/oidc/"}
    assert client.get("/connect/oidc/start/").status_code == 302  # a trailing slash is the same
    settings.DANGQUN_OIDC = {**settings.DANGQUN_OIDC, "issuer": f"{fake.url}/elsewhere"}
    response = client.get("/connect/oidc/start/")
    assert response.status_code == 502 and "暂时无法连接身份服务器" in response.content.decode()
