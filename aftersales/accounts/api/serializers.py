"""API representations of users and departments."""

from rest_framework import serializers

from aftersales.accounts.models import Department, User


class DepartmentSerializer(serializers.ModelSerializer):
    """A department and its manager."""

    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Department
        fields = ["id", "code", "name", "name_en", "display_name", "kind", "manager", "is_active"]


class UserSerializer(serializers.ModelSerializer):
    """A user as colleagues see them."""

    display_name = serializers.CharField(read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "full_name",
            "email",
            "phone",
            "title",
            "department",
            "roles",
            "is_active",
        ]

    def get_roles(self, obj: User) -> list[str]:
        # Groups are prefetched by the view: no query per row.
        return sorted(g.name for g in obj.groups.all())


class MeSerializer(UserSerializer):
    """The signed-in user, with their preferences."""

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "language", "time_zone"]
        read_only_fields = ["id", "username", "department", "is_active"]


class TokenSerializer(serializers.Serializer):
    """A freshly issued API token (shown once)."""

    token = serializers.CharField()
    created = serializers.DateTimeField()
