"""What the API shows and accepts. Serializers only check shape; services check meaning and write."""

from rest_framework import serializers

from dangqun.accounts.roles import CHANGE_PEOPLE
from dangqun.accounts.scope import Scope
from dangqun.orgs.models import Org, System, UnitSituation
from dangqun.people.models import PARTY_STATUSES, Gender, LeftReason, PartyProfile, Person


class OrgSerializer(serializers.ModelSerializer):
    parent = serializers.IntegerField(
        source="parent_pk", read_only=True, allow_null=True, help_text="上级组织 ID（顶级为空）"
    )
    is_active = serializers.BooleanField(read_only=True, help_text="未撤销")
    unit_situation = serializers.ChoiceField(
        choices=UnitSituation.choices, read_only=True, allow_blank=True, help_text="所在单位情况"
    )

    class Meta:
        model = Org
        fields = [
            "id",
            "name",
            "short_name",
            "system",
            "kind",
            "parent",
            "depth",
            "numchild",
            "unit",
            "unit_situation",
            "contact_name",
            "contact_phone",
            "founded_on",
            "dissolved_on",
            "is_active",
        ]
        read_only_fields = fields


class OrgField(serializers.PrimaryKeyRelatedField):
    """An organisation chosen by ID.

    With ``changeable`` the choice is limited to where the caller may place people (as in the
    forms); the services then check the kind of organisation and give the Chinese message.
    """

    def __init__(self, *, changeable: bool = False, system: str | None = None, **kwargs):
        self.changeable = changeable
        self.system = system
        kwargs.setdefault("queryset", Org.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = Org.objects.all()
        if self.changeable:
            queryset = Scope.of(self.context["request"].user).orgs(CHANGE_PEOPLE)
        if self.system:
            queryset = queryset.filter(system=self.system)
        return queryset


class PartyProfileSerializer(serializers.ModelSerializer):
    """A member's party profile. Standing, lost contact and leaving change through member events."""

    branch = OrgField(changeable=True, help_text="所在党支部（党支部、党总支或党委）的 ID")
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    left_reason = serializers.ChoiceField(
        choices=LeftReason.choices, read_only=True, allow_blank=True, help_text="离开原因"
    )

    class Meta:
        model = PartyProfile
        fields = [
            "branch",
            "branch_name",
            "joined_on",
            "full_member_on",
            "category",
            "floating_to",
            "standing",
            "lost_contact_on",
            "left_on",
            "left_reason",
        ]
        read_only_fields = ["standing", "lost_contact_on", "left_on", "left_reason"]


class PersonSerializer(serializers.ModelSerializer):
    """A person. The ID number and the phone number are write-only; responses carry only their
    masked forms, as the pages show them (the full values: ``reveal-id``, ``reveal-phone``)."""

    id_number = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="公民身份号码（只写；响应中只有脱敏后的 id_number_masked）。修改时留空表示不变",
    )
    phone = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=30,
        help_text="联系电话（只写；响应中只有脱敏后的 phone_masked，完整号码见 reveal-phone 接口）。"
        "修改时不填表示不变，填空字符串表示清除",
    )
    phone_masked = serializers.CharField(
        read_only=True, help_text="脱敏后的联系电话，如 138****0003；未登记时为空"
    )
    gender = serializers.ChoiceField(
        choices=Gender.choices, required=False, help_text="填写公民身份号码时可省略"
    )
    unit = OrgField(changeable=True, help_text="所在单位（行政组织）的 ID")
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    union_org = OrgField(system=System.UNION, required=False, allow_null=True)
    league_org = OrgField(system=System.LEAGUE, required=False, allow_null=True)
    party_profile = PartyProfileSerializer(
        required=False,
        allow_null=True,
        help_text="党员信息。登记人员时可一并填写；之后通过 party-profile 接口修改",
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "employee_no",
            "name",
            "gender",
            "ethnicity",
            "id_number",
            "id_number_masked",
            "birth_date",
            "education",
            "unit",
            "unit_name",
            "job_post",
            "phone",
            "phone_masked",
            "address",
            "political_status",
            "union_org",
            "league_org",
            "employment_status",
            "party_profile",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id_number_masked", "created_at", "updated_at"]
        # Uniqueness is the database's job (the services turn a clash into a Chinese message).
        extra_kwargs = {"employee_no": {"validators": []}}

    def validate_political_status(self, value):
        if value in PARTY_STATUSES:
            current = self.instance is not None and self.instance.political_status == value
            if not current:
                raise serializers.ValidationError("党员的政治面貌由党员信息决定，请填写党员信息")
        return value

    def validate(self, attrs):
        if self.instance is not None and "party_profile" in attrs:
            raise serializers.ValidationError(
                {"party_profile": "党员信息请通过 /api/people/{id}/party-profile/ 修改"}
            )
        profile = getattr(self.instance, "party_profile", None)
        if (
            profile is not None
            and profile.is_current
            and attrs.get("political_status", self.instance.political_status)
            != self.instance.political_status
        ):
            raise serializers.ValidationError(
                {"political_status": "党员的政治面貌由党员信息决定，请办理党员事项"}
            )
        if not attrs.get("id_number"):
            attrs.pop("id_number", None)
        return attrs

    def service_data(self) -> tuple[dict, dict | None]:
        """The validated fields as the services take them: (person data, party profile or None)."""
        data = dict(self.validated_data)
        profile = data.pop("party_profile", None)
        return data, dict(profile) if profile else None
