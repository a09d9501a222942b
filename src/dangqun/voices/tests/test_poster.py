"""A unit's QR poster: the code is an image a browser shows (a standalone SVG), a download in SVG
or PNG, and a page to print on A4 or A5 with the unit's name and what to do."""

import re
import xml.etree.ElementTree as ET

import pytest

from dangqun.voices.posters import qr_token


@pytest.fixture
def poster(client, world, mass):
    client.force_login(mass)
    return f"/voices/qr/{world.dept_a.pk}/"


def test_the_code_is_a_standalone_svg_of_the_units_no_login_page(client, world, poster):
    response = client.get(poster + "?format=svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and int(root.get("width")) > 0
    assert not response.has_header("Content-Disposition")  # shown in the page, not saved
    page = client.get(poster).content.decode()
    assert f"/v/{qr_token(world.dept_a)}/" in page


@pytest.mark.parametrize("kind, content_type", [("svg", "image/svg+xml"), ("png", "image/png")])
def test_the_code_downloads_named_after_the_unit(client, poster, kind, content_type):
    response = client.get(f"{poster}?format={kind}&download=1")
    assert response["Content-Type"] == content_type
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith(f".{kind}")


def test_the_poster_page_names_the_unit_says_what_to_do_and_offers_a4_and_a5(client, poster):
    page = client.get(poster).content.decode()
    assert '<h1 class="poster-unit" id="poster-unit">甲公司综合部</h1>' in page
    assert "扫码反映意见建议" in page and "实名、保密或匿名" in page and "查询码" in page
    assert 'src="/voices/qr/' in page and "?format=svg" in page
    assert "poster-a4.css" in page and 'id="size-a5"' in page and 'id="print-poster"' in page
    a5 = client.get(poster + "?size=a5").content.decode()
    assert "poster-a5.css" in a5 and "poster-a4.css" not in a5
    assert "poster-a4.css" in client.get(poster + "?size=letter").content.decode()


def test_the_page_has_no_inline_script_or_style_for_the_strict_csp(client, poster):
    page = client.get(poster).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert " style=" not in page and "<style" not in page


def test_only_the_units_mass_work_admins_make_its_poster(client, world, mass, handler):
    client.force_login(handler)
    response = client.get(f"/voices/qr/{world.dept_a.pk}/?format=svg")
    assert response.status_code == 403 and "您无权生成该单位的二维码" in response.content.decode()
    client.force_login(mass)
    assert client.get(f"/voices/qr/{world.dept_b.pk}/").status_code == 403  # another company
    assert client.get(f"/voices/qr/{world.committee_a.pk}/").status_code == 404  # not a unit
