"""Rules as data: the TOML loads, every rule is complete, and local overrides apply."""

import string

import pytest
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache

from dangqun.core.models import RuleOverride
from dangqun.core.rules import Finding, get_rule, national_rules

# The facts each rule's message is filled with at its call site (orgs/checks.py and friends).
FACTS = {
    "org.branch_required": {"full_members"},
    "org.branch_size": {"members"},
    "org.committee_required": {"full_members"},
    "org.committee_size": {"members"},
    "org.term_expired": {"number", "ends_on"},
    "org.term_ending": {"number", "ends_on", "days"},
    "org.term_years": {"kind", "years"},
    "org.joint_branch_units": {"units"},
    "person.id_number": set(),
    "voices.deadlines": {"urgency", "which", "limit"},
    "voices.workday": set(),
    "voices.auto_close": set(),
    "voices.public_limits": set(),
    "voices.rates": set(),
    "voices.proposal": set(),
    "voices.reminders": set(),
    "voices.suggestions": set(),
    # life/cadence.py fills in the period's name (月, 季度, 年)
    "life.general_meeting": {"period"},
    "life.committee_meeting": {"period"},
    "life.group_meeting": {"period"},
    "life.party_lecture": {"period"},
    "life.theme_day": {"period"},
    "life.life_meeting": {"period"},
    "life.appraisal": {"period"},
    "life.quorum": set(),
    "life.study_hours": set(),
    "life.silent_branch": {"days_silent"},
    "life.absence_streak": {"name", "absent"},
    "life.no_life": {"name", "months_since"},
    "life.peer_rating": set(),
    "activities.stars": set(),
    "activities.hours": set(),
    "activities.no_ranking": set(),
    "learning.requirement": set(),
    "learning.self_study": set(),
    "surveys.min_group": set(),
    "surveys.satisfaction_index": set(),
    "development.min_age": {"name", "age"},
    "development.talk": set(),
    "development.contacts": set(),
    "development.assessment": set(),
    "development.activist_period": {"elapsed"},
    "development.introducers": set(),
    "development.full_member_only": {"name", "on", "role"},
    "development.political_review": set(),
    "development.training": set(),
    "development.leaving": set(),
    "development.branch_vote": set(),
    "development.approval": set(),
    "development.probation": set(),
    "development.extension": set(),
    "development.publicity": {"step", "ends_on"},
}


LOCAL_PRESETS = {"development.publicity", "learning.self_study"}  # off until a site turns it on


def placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def test_national_rules_load_with_title_citation_and_message():
    rules = national_rules()
    assert set(rules) == set(FACTS)
    for rule_id, rule in rules.items():
        assert rule.id == rule_id
        assert rule.title.strip(), rule_id
        assert rule.citation.strip(), rule_id
        assert rule.message.strip(), rule_id
        assert rule.enabled != (rule_id in LOCAL_PRESETS), rule_id


@pytest.mark.parametrize("rule_id", sorted(FACTS))
def test_every_placeholder_is_a_parameter_or_a_fact(rule_id):
    rule = national_rules()[rule_id]
    missing = placeholders(rule.message) - set(rule.params) - FACTS[rule_id]
    assert not missing, f"{rule_id}: {missing}"
    text = rule.explain(**dict.fromkeys(FACTS[rule_id], 7))
    assert "{" not in text


@pytest.mark.django_db
def test_override_changes_parameters_and_marks_the_citation():
    assert get_rule("org.branch_size")["max_members"] == 50
    RuleOverride.objects.create(rule_id="org.branch_size", params={"max_members": 40})
    rule = get_rule("org.branch_size")
    assert rule["max_members"] == 40
    assert rule.citation.endswith("（本单位调整）")
    assert rule.explain(members=45) == "党支部有党员 45 名，一般不超过 40 名"
    # other parameters of the same rule keep their national values
    RuleOverride.objects.create(rule_id="org.committee_size", params={"max_members": 9})
    assert get_rule("org.committee_size").params == {"min_members": 3, "max_members": 9}


@pytest.mark.django_db
def test_override_can_disable_a_rule():
    override = RuleOverride.objects.create(rule_id="org.term_ending", enabled=False)
    rule = get_rule("org.term_ending")
    assert rule.enabled is False
    assert rule.citation == national_rules()["org.term_ending"].citation
    override.enabled = True
    override.save()
    assert get_rule("org.term_ending").enabled is True


@pytest.mark.django_db
def test_a_changed_override_reaches_every_server_process(settings):
    """Each gunicorn worker builds its own cache object: they must share one store, or a worker
    keeps using the old rule until its copy expires."""
    assert get_rule("org.branch_size")["max_members"] == 50  # cached
    other_worker = FileBasedCache(settings.CACHES["default"]["LOCATION"], {})
    assert other_worker.get(RuleOverride.CACHE_KEY) == {}
    RuleOverride.objects.create(rule_id="org.branch_size", params={"max_members": 40})
    assert other_worker.get(RuleOverride.CACHE_KEY) is None  # forgotten for every worker
    assert type(caches["default"]) is FileBasedCache


@pytest.mark.django_db
def test_national_defaults_are_not_changed_by_an_override():
    RuleOverride.objects.create(rule_id="org.branch_size", params={"max_members": 10})
    assert national_rules()["org.branch_size"]["max_members"] == 50


def test_finding_quotes_its_rule():
    rule = national_rules()["org.branch_size"]
    finding = Finding(rule, rule.explain(members=51))
    assert finding.citation == rule.citation
    assert str(finding) == f"党支部有党员 51 名，一般不超过 50 名（依据：{rule.citation}）"


def test_unknown_rule_is_an_error():
    with pytest.raises(KeyError):
        national_rules()["org.no_such_rule"]
