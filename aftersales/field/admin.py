"""Administration of field service reference data: approval chains and engineers' skills."""

from django.contrib import admin

from aftersales.field.models import ApprovalChain, ApprovalChainStep, EngineerSkill


class ApprovalChainStepInline(admin.TabularInline):
    """The steps of a chain, in order."""

    model = ApprovalChainStep
    extra = 1
    ordering = ["position"]


@admin.register(ApprovalChain)
class ApprovalChainAdmin(admin.ModelAdmin):
    """Chains per department and trip kind; plans copy the steps when submitted."""

    list_display = ["name", "department", "scope"]
    list_filter = ["scope", "department"]
    inlines = [ApprovalChainStepInline]


@admin.register(EngineerSkill)
class EngineerSkillAdmin(admin.ModelAdmin):
    """Certifications of engineers per product line."""

    list_display = ["engineer", "product_line", "certified_since", "certified_until"]
    list_filter = ["product_line"]
    search_fields = ["engineer__username", "engineer__full_name"]
    autocomplete_fields = ["engineer"]
