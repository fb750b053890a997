"""Trip plans (出差计划) and their approval chain, and engineers' skills for dispatch help.

A plan is approved step by step along a chain configured per department and trip kind; the
chain's steps are copied onto the plan when it is submitted (``TripApproval`` rows of that
round), so reconfiguring a chain never changes a plan already in approval.
"""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel


class TripStatus(models.TextChoices):
    """Draft → in approval → approved → departed → returned; a rejection goes back to draft."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("In approval")
    APPROVED = "approved", _("Approved")
    DEPARTED = "departed", _("Departed")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")


# Plans whose approval lets their requests be dispatched.
APPROVED_STATES = frozenset({TripStatus.APPROVED, TripStatus.DEPARTED, TripStatus.RETURNED})
# Plans still alive: a request is on at most one of these at a time.
LIVE_STATES = frozenset({TripStatus.DRAFT, TripStatus.SUBMITTED, TripStatus.APPROVED})


class TripScope(models.TextChoices):
    """Local trips (same city) and trips out of town may need different approvers."""

    LOCAL = "local", _("Local")
    OUT_OF_TOWN = "out_of_town", _("Out of town")


class ChainScope(models.TextChoices):
    """Which trips a chain applies to."""

    ANY = "any", _("Every trip")
    LOCAL = "local", _("Local trips")
    OUT_OF_TOWN = "out_of_town", _("Trips out of town")


class StepRole(models.TextChoices):
    """Who approves a step: the plan department's manager, or any holder of a role."""

    DEPARTMENT_MANAGER = "department_manager", _("Department manager")
    BUSINESS_MANAGER = "business_manager", _("Business manager")
    OFFICE = "office", _("Office")
    VP = "vp", _("VP in charge")


DEFAULT_STEPS: tuple[str, ...] = (
    StepRole.DEPARTMENT_MANAGER,
    StepRole.BUSINESS_MANAGER,
    StepRole.OFFICE,
    StepRole.VP,
)


class Decision(models.TextChoices):
    """A step waits, then approves or rejects."""

    PENDING = "pending", _("Waiting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ApprovalChain(TimeStampedModel):
    """The approvers of trip plans of one department (or every department) and trip kind."""

    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="trip_chains",
        help_text=_("Empty: the chain of every department without one of its own."),
    )
    scope = models.CharField(
        _("applies to"), max_length=16, choices=ChainScope.choices, default=ChainScope.ANY
    )

    class Meta:
        verbose_name = _("approval chain")
        verbose_name_plural = _("approval chains")
        ordering = ["department__code", "scope", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "scope"], name="field_chain_department_scope"
            ),
            models.UniqueConstraint(
                fields=["scope"],
                condition=Q(department__isnull=True),
                name="field_chain_default_scope",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApprovalChainStep(models.Model):
    """One approver of a chain, in order."""

    chain = models.ForeignKey(
        ApprovalChain, verbose_name=_("chain"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    role = models.CharField(_("approver"), max_length=24, choices=StepRole.choices)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["chain", "position"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "position"], name="field_chainstep_order"),
            models.UniqueConstraint(fields=["chain", "role"], name="field_chainstep_role_once"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.get_role_display()}"


class TripPlanQuerySet(models.QuerySet):
    """Trip plans: staff only; company-wide roles see all, others their departments' plans
    and the plans they planned or travel on."""

    def visible_to(self, user: Any) -> Self:
        from aftersales.accounts.roles import scope_of

        scope = scope_of(user)
        if scope.is_portal or not scope.roles:
            return self.none()
        if scope.sees_all:
            return self
        return self.filter(
            Q(department_id__in=scope.department_ids)
            | Q(planner_id=scope.user_id)
            | Q(
                pk__in=TripPlan.engineers.through.objects.filter(user_id=scope.user_id or 0).values(
                    "tripplan_id"
                )
            )
        )


class TripPlan(TimeStampedModel):
    """A trip to a customer for one or more requests (出差计划); approved before departure."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=TripStatus.choices, default=TripStatus.DRAFT
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="trip_plans",
    )
    planner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planner"),
        on_delete=models.PROTECT,
        related_name="planned_trips",
    )
    requests = models.ManyToManyField(
        "service.ServiceRequest", verbose_name=_("service requests"), related_name="trip_plans"
    )
    engineers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("engineers"), related_name="trips"
    )
    company = models.ForeignKey(
        "customers.Company",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="trip_plans",
    )
    site = models.ForeignKey(
        "customers.Site",
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trip_plans",
    )
    scope = models.CharField(
        _("trip"), max_length=16, choices=TripScope.choices, default=TripScope.OUT_OF_TOWN
    )
    departure_at = models.DateTimeField(_("planned departure"))
    return_at = models.DateTimeField(_("planned return"))
    work_content = models.TextField(_("work content"))
    tools = models.TextField(_("tools to take"), blank=True)
    parts = models.TextField(_("parts to take"), blank=True)
    documents = models.TextField(_("documents to take"), blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    round = models.PositiveSmallIntegerField(_("submission"), default=0)
    rejection_comment = models.TextField(_("reason for rejection"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = TripPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("trip plan")
        verbose_name_plural = _("trip plans")
        ordering = ["-departure_at", "-id"]
        indexes = [models.Index(fields=["status", "departure_at"], name="field_trip_status_dep")]
        constraints = [
            models.CheckConstraint(
                condition=Q(return_at__gt=models.F("departure_at")),
                name="field_trip_return_after_departure",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=sorted(APPROVED_STATES)) | Q(approved_at__isnull=False),
                name="field_trip_approved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class TripApproval(models.Model):
    """One step of a plan's approval, copied from the chain when the plan was submitted."""

    plan = models.ForeignKey(
        TripPlan, verbose_name=_("trip plan"), on_delete=models.CASCADE, related_name="approvals"
    )
    round = models.PositiveSmallIntegerField(_("submission"))
    position = models.PositiveSmallIntegerField(_("order"))
    role = models.CharField(_("approver"), max_length=24, choices=StepRole.choices)
    decision = models.CharField(
        _("decision"), max_length=16, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trip_decisions",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["plan", "round", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "round", "position"], name="field_tripapproval_step"
            ),
            models.CheckConstraint(
                condition=Q(decision=Decision.PENDING)
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="field_tripapproval_decided_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} #{self.round}.{self.position} {self.role}"


class EngineerSkill(TimeStampedModel):
    """An engineer's certification for a product line (for ranking suggestions)."""

    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.CASCADE,
        related_name="skills",
    )
    product_line = models.ForeignKey(
        "customers.ProductLine",
        verbose_name=_("product line"),
        on_delete=models.CASCADE,
        related_name="certified_engineers",
    )
    certified_since = models.DateField(_("certified since"))
    certified_until = models.DateField(_("certified until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("engineer skill")
        verbose_name_plural = _("engineer skills")
        ordering = ["engineer__username", "product_line__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["engineer", "product_line"], name="field_skill_engineer_line"
            ),
            models.CheckConstraint(
                condition=Q(certified_until__isnull=True)
                | Q(certified_until__gte=models.F("certified_since")),
                name="field_skill_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.engineer} · {self.product_line}"
