"""Smart help on the voice page: duplicates to merge and the learned category (the classifier:
``test_classifier.py``; near duplicates: ``test_duplicates.py``; hot topics: ``test_topics.py``),
on a small synthetic history (voices are written directly: only their text, category, status and
time matter here)."""

from dangqun.voices import classifier
from dangqun.voices.models import Category, Status


# The platform around the model: the voice's page and the API ----------------------------------
def test_the_page_offers_duplicates_to_merge_and_prefills_the_learned_category(
    world, mass, login, raise_voice, data_dir
):
    from dangqun.voices import handling

    canteen = Category.objects.create(name="食堂", handling_org=world.dept_a)
    bus = Category.objects.create(name="班车", handling_org=world.dept_a)
    texts = {
        canteen: ["食堂饭菜太咸", "食堂午餐价格上涨", "食堂窗口排队太久", "食堂菜品单一"],
        bus: ["班车太挤", "班车晚点严重", "班车线路不合理", "早班车发车太早"],
    }
    for category, titles in texts.items():
        for n, title in enumerate(titles * 3):
            voice, _ = raise_voice(title=f"{title}{n}", content=f"{title}，希望改进。")
            handling.assign(mass, voice, handling_org=world.dept_a, category=category)
    classifier.train(folds=3)

    first, _ = raise_voice(title="食堂的饭菜越来越咸", content="最近食堂的饭菜太咸了，希望少放盐")
    again, _ = raise_voice(title="食堂饭菜太咸", content="最近食堂的饭菜太咸，希望少放盐")
    client = login(mass)
    page = client.get(f"/voices/{again.pk}/").content.decode()
    assert "可能重复的呼声" in page and first.title in page
    assert 'id="category-suggestion"' in page and "<strong>食堂</strong>" in page
    assert f'<option value="{canteen.pk}" selected>' in page
    merged = client.post(f"/voices/{again.pk}/merge/", {"into": first.pk})
    assert merged.status_code == 302
    again.refresh_from_db()
    assert again.status == Status.MERGED and again.merged_into == first
    refused = client.post(f"/voices/{first.pk}/merge/", {"into": first.pk})
    assert refused.status_code == 422 and "请选择另一条" in refused.content.decode()

    api = client.post(
        "/api/voices/suggest/", {"title": "食堂太咸", "content": "饭菜太咸"}, "application/json"
    )
    assert api.status_code == 200 and api.json()["category"] == canteen.pk
    assert 0 < api.json()["confidence"] <= 1
    stored = client.get(f"/api/voices/{first.pk}/suggestion/").json()
    assert stored["category"] == canteen.pk and stored["category_name"] == "食堂"
