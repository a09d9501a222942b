"""CheckedForm names the field in its Chinese messages, also when the label holds a % sign."""

from django import forms

from dangqun.core.forms import CheckedForm


class PassMark(CheckedForm):
    mark = forms.IntegerField(label="测验及格线（%）", min_value=1, max_value=100)
    title = forms.CharField(label="标题", max_length=3)


def test_range_and_length_messages_name_the_field_even_with_a_percent_sign():
    form = PassMark({"mark": "-5", "title": "太长的标题"})
    assert not form.is_valid()  # formatting the message raised ValueError: a 500 in the API
    assert form.errors["mark"] == ["测验及格线（%）不能小于 1"]
    assert form.errors["title"] == ["标题不能超过 3 个字"]
    assert PassMark({"mark": "101", "title": "短"}).errors["mark"] == [
        "测验及格线（%）不能大于 100"
    ]


def test_model_choices_refuse_ids_that_cannot_be_one(db):
    """A fuzzer's huge or negative id is an unknown choice, not a 500 (SQLite overflowed)."""
    from dangqun.orgs.models import Org

    class Choose(CheckedForm):
        org = forms.ModelChoiceField(label="组织", queryset=Org.objects.all())
        orgs = forms.ModelMultipleChoiceField(
            label="范围", queryset=Org.objects.all(), required=False
        )

    huge = str(-893049531274302310453265572036608000)
    for data in (
        {"org": huge},
        {"org": "99999999999999999999999"},
        {"org": "1", "orgs": ["2", huge]},
    ):
        form = Choose(data)
        assert not form.is_valid()
    assert "orgs" in Choose({"org": "1", "orgs": ["-920"]}).errors


def test_model_choices_still_take_instances(world):
    from dangqun.orgs.models import Org

    class Choose(CheckedForm):
        org = forms.ModelChoiceField(label="组织", queryset=Org.objects.all())
        orgs = forms.ModelMultipleChoiceField(
            label="范围", queryset=Org.objects.all(), required=False
        )

    form = Choose({"org": world.branch_a, "orgs": [world.branch_a, str(world.branch_b.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["org"] == world.branch_a
    assert set(form.cleaned_data["orgs"]) == {world.branch_a, world.branch_b}


def test_model_choices_added_after_init_refuse_ids_that_cannot_be_one(db):
    """A form that adds its model choices in its own ``__init__`` (voices' paper proposal adds
    its proposer) gets the same check: the multiple choice's ``pk__in`` overflowed SQLite."""
    from dangqun.orgs.models import Org

    class AddsLater(CheckedForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["org"] = forms.ModelChoiceField(label="组织", queryset=Org.objects.all())
            self.fields["orgs"] = forms.ModelMultipleChoiceField(
                label="范围", queryset=Org.objects.all(), required=False
            )

    for data in (
        {"org": "99999999999999999999"},
        {"org": "1", "orgs": ["99999999999999999999"]},
        {"org": "1", "orgs": [str(-(10**30))]},
    ):
        form = AddsLater(data)
        assert not form.is_valid()
    form = AddsLater({"org": "1", "orgs": ["99999999999999999999"]})
    assert form.errors["orgs"] == ["“99999999999999999999”不是一个有效的值"]
    form = AddsLater({"org": "99999999999999999999"})
    assert form.errors["org"] == ["选择一个有效的选项： 该选择不在可用的选项中。"]
