"""API representations of SLA configuration."""

from rest_framework import serializers

from aftersales.sla.models import CalendarOverride, Policy, WorkingHours


class PolicySerializer(serializers.ModelSerializer):
    """An SLA policy with its criteria and targets."""

    specificity = serializers.IntegerField(read_only=True)

    class Meta:
        model = Policy
        fields = [
            "id",
            "name",
            "name_en",
            "order",
            "is_active",
            "tiers",
            "request_types",
            "priorities",
            "region_classes",
            "response_minutes",
            "response_clock",
            "arrival_minutes",
            "arrival_clock",
            "resolution_minutes",
            "resolution_clock",
            "warn_percent",
            "escalation_interval_minutes",
            "specificity",
        ]


class CalendarOverrideSerializer(serializers.ModelSerializer):
    """A date marked as working day or holiday."""

    class Meta:
        model = CalendarOverride
        fields = ["id", "date", "is_working", "note", "created_by", "created_at"]
        read_only_fields = ["id", "created_by", "created_at"]


class WorkingHoursSerializer(serializers.ModelSerializer):
    """The company's working hours."""

    class Meta:
        model = WorkingHours
        fields = ["start", "end", "lunch_start", "lunch_end"]


class CalendarYearSerializer(serializers.Serializer):
    """Whether the statutory calendar of a year is known."""

    year = serializers.IntegerField()
    statutory_known = serializers.BooleanField()
    overrides = serializers.IntegerField()
    missing = serializers.BooleanField()
    message = serializers.CharField()
