"""Importing customers, contacts and equipment from CSV and XLSX files.

Every row is checked in memory against lookups fetched once (no query per row), so a
10,000-row file costs a handful of queries; the real run then writes everything with bulk
inserts in one transaction, or nothing at all. Reading files and cells is ``import_files``.
"""

from __future__ import annotations

import abc
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, TypedDict

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from aftersales.accounts.models import Department
from aftersales.core.history import snapshot
from aftersales.core.models import HistoryEntry
from aftersales.core.numbering import next_number
from aftersales.core.services import require_perm
from aftersales.customers.choices import RegionClass, Tier
from aftersales.customers.import_files import (
    CellProblem,
    FileProblem,
    Table,
    cell_text,
    normalise_name,
    parse_amount,
    parse_boolean,
    parse_date,
    parse_integer,
    read_table,
)
from aftersales.customers.models import Company, Contact, Equipment, ProductModel, Project, Site
from aftersales.customers.services import (
    COMPANY_FIELDS,
    CONTACT_FIELDS,
    EQUIPMENT_FIELDS,
    set_initial_status,
    unit_warranty_end,
)

LANGUAGES = ("zh-hans", "en")
PROGRESS_EVERY = 500
WRITE_BATCH = 500
MAX_STORED_ERRORS = 5000
MAX_WARRANTY_MONTHS = 600

ProgressCallback = Callable[[int, int], None]

# Messages are English msgids; each error carries them in every language of the site.
MESSAGES: dict[str, Promise] = {
    "required": _("This value is required."),
    "too_long": _("At most %(max)s characters."),
    "invalid_choice": _("Unknown value “%(value)s”; use one of: %(choices)s."),
    "invalid_date": _("“%(value)s” is not a date; write it as YYYY-MM-DD."),
    "invalid_integer": _("“%(value)s” is not a whole number."),
    "out_of_range": _("Must be between %(min)s and %(max)s."),
    "invalid_amount": _("“%(value)s” is not an amount of money."),
    "negative": _("Must be zero or more."),
    "too_many_decimals": _("At most two decimal places."),
    "too_large": _("The amount is too large."),
    "invalid_boolean": _("“%(value)s” is neither yes nor no."),
    "invalid_email": _("“%(value)s” is not an e-mail address."),
    "duplicate_in_file": _("“%(value)s” already appears in row %(other)s."),
    "exists": _("“%(value)s” already exists."),
    "company_not_found": _("No customer has the number or name “%(value)s”."),
    "department_not_found": _("No department has the code “%(value)s”."),
    "model_not_found": _("No product model has the code “%(value)s”."),
    "site_not_found": _("The customer has no site named “%(value)s”."),
    "project_not_found": _("No project has the number “%(value)s”."),
    "project_other_company": _("Project “%(value)s” belongs to another customer."),
    "primary_exists": _("This customer already has a primary contact."),
    "primary_in_file": _("Row %(other)s already names the primary contact of this customer."),
    "commissioned_before_delivery": _("Commissioned before it was delivered (%(delivered)s)."),
    "missing_column": _("The required column “%(value)s” is missing."),
    "duplicate_column": _("Two columns mean the same field “%(value)s”."),
    "empty_file": _("The file has no data rows."),
    "too_many_rows": _("The file has more than %(max)s data rows; split it."),
    "unsupported_type": _("Only CSV and XLSX files can be imported."),
    "unreadable": _("The file cannot be read as %(format)s."),
    "undecodable": _("The CSV file is neither UTF-8 nor GB18030 text."),
    "permission_denied": _("You may not import this kind of record."),
    "timeout": _("The import took too long and was stopped; nothing was written."),
    "crashed": _("The import failed unexpectedly; nothing was written."),
    "conflict": _(
        "The records changed while the file was being imported; nothing was written. "
        "Run the import again."
    ),
}


class RowError(TypedDict):
    """One problem: spreadsheet row (the header is row 1), column, code, bilingual reason."""

    row: int
    field: str
    code: str
    message: dict[str, str]


@functools.cache
def _template(code: str, lang: str) -> str:
    # A file with thousands of bad rows would otherwise switch language for every error.
    with override(lang):
        return str(MESSAGES[code])


def make_error(row: int, field_name: str, code: str, **params: Any) -> RowError:
    """An error with its message rendered in every language of the site."""
    safe = {k: (v[:60] if isinstance(v, str) else v) for k, v in params.items()}
    message = {lang: _template(code, lang) % safe for lang in LANGUAGES}
    return {"row": row, "field": field_name, "code": code, "message": message}


@dataclass(frozen=True)
class Column:
    """A field of an import kind and the header names (English and Chinese) that mean it."""

    field: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def names(self) -> set[str]:
        return {normalise_name(n) for n in (self.field, *self.aliases)}


@dataclass
class ImportResult:
    """What an import found and did."""

    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON stored on the job; very long error lists are cut, the count is exact."""
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "error_count": len(self.errors),
            "errors": list(self.errors[:MAX_STORED_ERRORS]),
            "errors_truncated": len(self.errors) > MAX_STORED_ERRORS,
            "ignored_columns": self.ignored_columns,
        }


# --- Choices -------------------------------------------------------------------------------


def choice_map(choices: type[models.TextChoices], extra: Mapping[str, str]) -> dict[str, str]:
    """Accepted spellings of a choice: its value, its labels in every language, ``extra``."""
    mapping = {normalise_name(k): v for k, v in extra.items()}
    for value, label in zip(choices.values, choices.labels, strict=True):
        mapping[normalise_name(value)] = value
        for lang in LANGUAGES:
            with override(lang):
                mapping[normalise_name(str(label))] = value
    return mapping


TIER_VALUES = {
    "key": Tier.KEY,
    "key account": Tier.KEY,
    "大客户": Tier.KEY,
    "重点客户": Tier.KEY,
    "normal": Tier.NORMAL,
    "普通": Tier.NORMAL,
    "普通客户": Tier.NORMAL,
    "一般客户": Tier.NORMAL,
}
# Accepted values named in the error message: the codes and the usual Chinese words.
TIER_SHOWN = "key、大客户、normal、普通"
REGION_SHOWN = "local、本地、domestic、国内、remote、边远地区"
REGION_VALUES = {
    "local": RegionClass.LOCAL,
    "本地": RegionClass.LOCAL,
    "domestic": RegionClass.DOMESTIC,
    "国内": RegionClass.DOMESTIC,
    "外地": RegionClass.DOMESTIC,
    "remote": RegionClass.REMOTE,
    "remote area": RegionClass.REMOTE,
    "边远地区": RegionClass.REMOTE,
    "边远": RegionClass.REMOTE,
    "偏远地区": RegionClass.REMOTE,
}


@functools.cache
def _max_length(model: type[models.Model], name: str) -> int:
    length = model._meta.get_field(name).max_length  # type: ignore[union-attr]
    assert length is not None
    return int(length)


class _Row:
    """One data row being checked: typed accessors that record errors instead of raising."""

    def __init__(
        self, number: int, cells: dict[str, Any], headers: dict[str, str], errors: list[RowError]
    ) -> None:
        self.number = number
        self.cells = cells
        self.headers = headers
        self.errors = errors
        self.ok = True

    def error(self, name: str, code: str, **params: Any) -> None:
        self.ok = False
        self.errors.append(make_error(self.number, self.headers.get(name, name), code, **params))

    def _parse(self, name: str, parser: Callable[[Any], Any], default: Any) -> Any:
        try:
            return parser(self.cells.get(name))
        except CellProblem as exc:
            self.error(name, exc.code, **exc.params)
            return default

    def text(self, name: str, *, max_length: int, required: bool = False) -> str:
        value = cell_text(self.cells.get(name))
        if required and not value:
            self.error(name, "required")
        elif len(value) > max_length:
            self.error(name, "too_long", max=max_length)
        return value

    def choice(self, name: str, mapping: Mapping[str, str], default: str, *, shown: str) -> str:
        raw = cell_text(self.cells.get(name))
        if not raw:
            return default
        value = mapping.get(normalise_name(raw))
        if value is None:
            self.error(name, "invalid_choice", value=raw, choices=shown)
            return default
        return value

    def date(self, name: str) -> dt.date | None:
        return self._parse(name, parse_date, None)

    def amount(self, name: str) -> Decimal:
        return self._parse(name, parse_amount, Decimal("0"))

    def integer(self, name: str, *, minimum: int, maximum: int) -> int | None:
        return self._parse(name, lambda v: parse_integer(v, minimum=minimum, maximum=maximum), None)

    def boolean(self, name: str) -> bool:
        return self._parse(name, parse_boolean, False)

    def email(self, name: str, *, max_length: int) -> str:
        value = self.text(name, max_length=max_length)
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                self.error(name, "invalid_email", value=value)
        return value

    def lookup(self, name: str, table: Mapping[str, Any], code: str, *, required: bool) -> Any:
        """The object a reference names, or None (with an error unless optional and empty)."""
        key = cell_text(self.cells.get(name))
        if not key:
            if required:
                self.error(name, "required")
            return None
        found = table.get(key)
        if found is None:
            self.error(name, code, value=key)
        return found

    def unique(self, name: str, value: str, seen: dict[str, int]) -> None:
        """Report a value that an earlier row of the file already used."""
        if not value:
            return
        first = seen.setdefault(value, self.number)
        if first != self.number:
            self.error(name, "duplicate_in_file", value=value, other=first)


def _existing(model: type[models.Model], name: str, values: Iterable[str]) -> set[str]:
    """Which of ``values`` are already taken in the whole table (not only visible rows)."""
    values = list(values)
    manager = model._default_manager
    found: set[str] = set()
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        found.update(manager.filter(**{f"{name}__in": chunk}).values_list(name, flat=True))
    return found


# --- Kinds ----------------------------------------------------------------------------------


class _Kind(abc.ABC):
    """How one kind of record is read, checked and written."""

    name: ClassVar[str]
    model: ClassVar[type[models.Model]]
    add_permission: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    history_fields: ClassVar[list[str]]

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.now = timezone.now()
        # Values that must be unique in the whole table: field -> value -> first row.
        self.unique_seen: dict[str, dict[str, int]] = {}

    def prefetch(self) -> None:  # noqa: B027 - optional hook, empty by default
        """Fetch every lookup table the rows refer to, once."""

    @abc.abstractmethod
    def build(self, row: _Row) -> models.Model | None:
        """The unsaved object for one valid row, or None when the row has errors."""

    def check_database(self, headers: dict[str, str]) -> list[RowError]:
        """Errors for file values that are already taken in the database."""
        errors: list[RowError] = []
        for name, seen in self.unique_seen.items():
            for value in sorted(_existing(self.model, name, seen), key=lambda v: seen[v]):
                errors.append(
                    make_error(seen[value], headers.get(name, name), "exists", value=value)
                )
        return errors

    def prepare_write(self, objects: list[Any]) -> None:  # noqa: B027 - optional hook
        """Last touches inside the write transaction (number allocation)."""

    def _companies(self) -> dict[str, Company]:
        """Visible companies by number and by exact name; the number wins a clash."""
        table: dict[str, Company] = {}
        companies = list(Company.objects.visible_to(self.actor))
        table.update((c.name, c) for c in companies)
        table.update((c.code, c) for c in companies)
        return table


class CompanyKind(_Kind):
    """Customer companies (客户档案)."""

    name = "companies"
    model = Company
    add_permission = "customers.add_company"
    columns = (
        Column("name", ("名称", "客户名称", "公司名称", "company name"), required=True),
        Column("name_en", ("英文名称", "英文名", "english name")),
        Column("code", ("客户编号", "客户代码", "编号", "customer number", "customer code")),
        Column("tier", ("客户等级", "等级")),
        Column("region_class", ("区域类别", "地区类别", "区域", "region class", "region")),
        Column("industry", ("行业",)),
        Column("province", ("省份", "省")),
        Column("city", ("城市", "市")),
        Column("address", ("地址", "详细地址")),
        Column("phone", ("电话", "联系电话")),
        Column("service_department", ("服务部门", "售后部门", "负责部门", "department")),
        Column("notes", ("备注",)),
    )
    history_fields = ["code", *COMPANY_FIELDS]

    def prefetch(self) -> None:
        self.tiers = choice_map(Tier, TIER_VALUES)
        self.regions = choice_map(RegionClass, REGION_VALUES)
        self.departments = {d.code: d for d in Department.objects.visible_to(self.actor)}
        self.unique_seen = {"name": {}, "code": {}}

    def build(self, row: _Row) -> Company | None:
        def text(name: str, required: bool = False) -> str:
            return row.text(name, max_length=_max_length(Company, name), required=required)

        name = text("name", required=True)
        code = text("code")
        row.unique("name", name, self.unique_seen["name"])
        row.unique("code", code, self.unique_seen["code"])
        company = Company(
            name=name,
            name_en=text("name_en"),
            code=code,
            tier=row.choice("tier", self.tiers, Tier.NORMAL, shown=TIER_SHOWN),
            region_class=row.choice(
                "region_class", self.regions, RegionClass.LOCAL, shown=REGION_SHOWN
            ),
            industry=text("industry"),
            province=text("province"),
            city=text("city"),
            address=text("address"),
            phone=text("phone"),
            service_department=row.lookup(
                "service_department", self.departments, "department_not_found", required=False
            ),
            notes=cell_text(row.cells.get("notes")),
        )
        return company if row.ok else None

    def prepare_write(self, objects: list[Any]) -> None:
        taken = {c.code for c in objects if c.code}
        for company in objects:
            if company.code:
                continue
            # A number typed into the file may be the sequence's next one; skip over it.
            while not company.code or company.code in taken:
                company.code = next_number("CU")
            taken.add(company.code)


class ContactKind(_Kind):
    """Contact persons of customer companies."""

    name = "contacts"
    model = Contact
    add_permission = "customers.add_contact"
    columns = (
        Column("company", ("客户", "客户名称", "客户编号", "公司", "customer"), required=True),
        Column("name", ("姓名", "联系人", "name of contact"), required=True),
        Column("title", ("职务", "职位", "job title")),
        Column("phone", ("电话", "座机", "办公电话")),
        Column("mobile", ("手机", "手机号", "mobile phone")),
        Column("email", ("邮箱", "电子邮箱", "电子邮件", "e-mail")),
        Column("is_primary", ("主要联系人", "是否主要联系人", "primary", "primary contact")),
    )
    history_fields = ["company", *CONTACT_FIELDS]

    def prefetch(self) -> None:
        self.companies = self._companies()
        self.has_primary = set(
            Contact.objects.filter(is_primary=True).values_list("company_id", flat=True)
        )
        self.primary_rows: dict[int, int] = {}

    def build(self, row: _Row) -> Contact | None:
        def text(name: str, required: bool = False) -> str:
            return row.text(name, max_length=_max_length(Contact, name), required=required)

        company = row.lookup("company", self.companies, "company_not_found", required=True)
        contact = Contact(
            company=company,
            name=text("name", required=True),
            title=text("title"),
            phone=text("phone"),
            mobile=text("mobile"),
            email=row.email("email", max_length=_max_length(Contact, "email")),
            is_primary=row.boolean("is_primary"),
        )
        if contact.is_primary and company is not None:
            if company.pk in self.has_primary:
                row.error("is_primary", "primary_exists")
            else:
                first = self.primary_rows.setdefault(company.pk, row.number)
                if first != row.number:
                    row.error("is_primary", "primary_in_file", other=first)
        return contact if row.ok else None


class EquipmentKind(_Kind):
    """Units of the equipment ledger (设备台账)."""

    name = "equipment"
    model = Equipment
    add_permission = "customers.add_equipment"
    columns = (
        Column("serial_number", ("序列号", "出厂编号", "设备编号", "serial number"), required=True),
        Column("product_model", ("型号", "产品型号", "设备型号", "product model"), required=True),
        Column("company", ("客户", "客户名称", "客户编号", "customer"), required=True),
        Column("site", ("现场", "厂区", "安装地点", "站点")),
        Column("project", ("项目", "项目编号", "project number")),
        Column("delivered_on", ("发货日期", "交货日期", "到货日期", "delivered on")),
        Column("commissioned_on", ("调试日期", "投运日期", "commissioned on")),
        Column("warranty_months", ("保修期", "保修月数", "三包期", "warranty months")),
        Column(
            "contract_amount",
            ("合同金额", "金额", "contract amount", "contract amount (cny)"),
        ),
        Column("notes", ("备注",)),
    )
    history_fields = ["serial_number", "company", "status", "warranty_end", *EQUIPMENT_FIELDS]

    def prefetch(self) -> None:
        self.companies = self._companies()
        self.models = {m.code: m for m in ProductModel.objects.visible_to(self.actor)}
        self.sites = {(s.company_id, s.name): s for s in Site.objects.visible_to(self.actor)}
        self.projects = {p.number: p for p in Project.objects.visible_to(self.actor)}
        self.unique_seen = {"serial_number": {}}

    def build(self, row: _Row) -> Equipment | None:
        serial = row.text(
            "serial_number", max_length=_max_length(Equipment, "serial_number"), required=True
        )
        row.unique("serial_number", serial, self.unique_seen["serial_number"])
        model = row.lookup("product_model", self.models, "model_not_found", required=True)
        company = row.lookup("company", self.companies, "company_not_found", required=True)
        site = None
        site_name = cell_text(row.cells.get("site"))
        if company is not None and site_name:
            site = self.sites.get((company.pk, site_name))
            if site is None:
                row.error("site", "site_not_found", value=site_name)
        project = row.lookup("project", self.projects, "project_not_found", required=False)
        if project is not None and company is not None and project.company_id != company.pk:
            row.error("project", "project_other_company", value=project.number)
        delivered = row.date("delivered_on")
        commissioned = row.date("commissioned_on")
        if delivered and commissioned and commissioned < delivered:
            row.error(
                "commissioned_on", "commissioned_before_delivery", delivered=delivered.isoformat()
            )
        unit = Equipment(
            serial_number=serial,
            product_model=model,
            company=company,
            site=site,
            project=project,
            delivered_on=delivered,
            commissioned_on=commissioned,
            warranty_months=row.integer("warranty_months", minimum=0, maximum=MAX_WARRANTY_MONTHS),
            contract_amount=row.amount("contract_amount"),
            notes=cell_text(row.cells.get("notes")),
        )
        if not row.ok:
            return None
        unit.warranty_end = unit_warranty_end(unit)
        set_initial_status(unit, now=self.now)
        return unit


KINDS: dict[str, type[_Kind]] = {k.name: k for k in (CompanyKind, ContactKind, EquipmentKind)}
KIND_CHOICES = [
    ("companies", _("Customer companies")),
    ("contacts", _("Contacts")),
    ("equipment", _("Equipment")),
]


def check_permission(*, actor: Any, kind: str) -> None:
    """Importing needs ``customers.import_data`` and the add permission of the kind."""
    require_perm(actor, "customers.import_data")
    require_perm(actor, KINDS[kind].add_permission)


# --- Running an import ----------------------------------------------------------------------


def _map_header(
    header: list[str], columns: tuple[Column, ...]
) -> tuple[dict[str, int], dict[str, str], list[RowError], list[str]]:
    """Column index and header text per field, header errors, and the ignored headers."""
    lookup = {alias: col.field for col in columns for alias in col.names()}
    index: dict[str, int] = {}
    texts: dict[str, str] = {}
    errors: list[RowError] = []
    ignored: list[str] = []
    for position, raw in enumerate(header):
        text = cell_text(raw)
        if not text:
            continue
        name = lookup.get(normalise_name(text))
        if name is None:
            ignored.append(text)
        elif name in index:
            errors.append(make_error(1, text, "duplicate_column", value=name))
        else:
            index[name] = position
            texts[name] = text
    for col in columns:
        if col.required and col.field not in index:
            errors.append(make_error(1, col.field, "missing_column", value=col.field))
    return index, texts, errors, ignored


def validate_table(
    *, actor: Any, kind: str, table: Table, progress: ProgressCallback, steps: int
) -> tuple[_Kind, list[Any], ImportResult]:
    """Check every row; return the handler, the built objects and the (error) result."""
    handler = KINDS[kind](actor)
    result = ImportResult(kind=kind, dry_run=True, rows=len(table.rows))
    index, headers, header_errors, result.ignored_columns = _map_header(
        table.header, handler.columns
    )
    if header_errors:
        result.errors = header_errors
        return handler, [], result
    if not table.rows:
        result.errors = [make_error(1, "", "empty_file")]
        return handler, [], result
    handler.prefetch()
    built: list[Any] = []
    errors: list[RowError] = []
    for done, (number, cells) in enumerate(table.rows, start=1):
        values = {name: cells[i] if i < len(cells) else None for name, i in index.items()}
        obj = handler.build(_Row(number, values, headers, errors))
        if obj is not None:
            built.append(obj)
        if done % PROGRESS_EVERY == 0:
            progress(done, steps)
    progress(len(table.rows), steps)
    errors.extend(handler.check_database(headers))
    order = {text: i for i, text in enumerate(headers.values())}
    errors.sort(key=lambda e: (e["row"], order.get(e["field"], -1)))
    result.errors = errors
    return handler, built, result


class _HistoryRows:
    """History rows ("imported") for new objects, with their initial values as "after".

    Most rows point at the same few companies and models, so the text of each related
    object is worked out once rather than once per row.
    """

    def __init__(self, *, actor: Any, handler: _Kind) -> None:
        self.actor_id = actor.pk if getattr(actor, "pk", None) else None
        self.ct = ContentType.objects.get_for_model(handler.model, for_concrete_model=True)
        meta = handler.model._meta
        self.order = handler.history_fields
        self.related = [
            (n, meta.get_field(n).attname)  # type: ignore[union-attr]
            for n in handler.history_fields
            if meta.get_field(n).many_to_one
        ]
        related_names = {n for n, _attname in self.related}
        self.plain = [n for n in handler.history_fields if n not in related_names]
        self.cache: dict[tuple[str, Any], Any] = {}

    def _related(self, obj: Any, name: str, attname: str) -> Any:
        key = (name, getattr(obj, attname))
        if key not in self.cache:
            self.cache[key] = snapshot(obj, [name])[name]
        return self.cache[key]

    def build(self, objects: list[Any]) -> list[HistoryEntry]:
        now = timezone.now()
        entries = []
        for obj in objects:
            values = snapshot(obj, self.plain)
            for name, attname in self.related:
                values[name] = self._related(obj, name, attname)
            entries.append(
                # Every field is given, so that Model.__init__ looks up no defaults.
                HistoryEntry(
                    id=None,
                    created_at=now,
                    actor_id=self.actor_id,
                    action="imported",
                    content_type_id=self.ct.pk,
                    object_id=str(obj.pk),
                    object_repr=str(obj)[:255],
                    changes={name: [None, values[name]] for name in self.order},
                    message="",
                )
            )
        return entries


def write(
    *, actor: Any, handler: _Kind, objects: list[Any], progress: Callable[[int], None]
) -> None:
    """Insert ``objects`` and their history rows in one transaction: all or nothing."""
    history = _HistoryRows(actor=actor, handler=handler)
    manager = handler.model._default_manager
    with transaction.atomic():
        handler.prepare_write(objects)
        for start in range(0, len(objects), WRITE_BATCH):
            chunk = objects[start : start + WRITE_BATCH]
            manager.bulk_create(chunk)
            HistoryEntry.objects.bulk_create(history.build(chunk))
            progress(start + len(chunk))


def run_import(
    *,
    actor: Any,
    kind: str,
    data: bytes,
    filename: str,
    dry_run: bool,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Check a file and, unless it is a dry run or any row is wrong, import every row.

    ``progress(done, total)`` is called about every 500 rows; validating counts one step
    per row and, on a real run, writing counts another, so ``total`` is twice the rows then.
    Raises PermissionDenied when the actor may not import this kind.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    check_permission(actor=actor, kind=kind)
    report = progress or (lambda done, total: None)
    try:
        table = read_table(data, filename)
    except FileProblem as exc:
        error = make_error(1, "", exc.code, **exc.params)
        return ImportResult(kind=kind, dry_run=dry_run, errors=[error])
    rows = len(table.rows)
    steps = rows if dry_run else 2 * rows
    report(0, steps)
    handler, objects, result = validate_table(
        actor=actor, kind=kind, table=table, progress=report, steps=steps
    )
    result.dry_run = dry_run
    if dry_run or result.errors:
        return result
    try:
        write(
            actor=actor,
            handler=handler,
            objects=objects,
            progress=lambda n: report(rows + n, steps),
        )
    except IntegrityError:
        # Someone wrote a clashing row between our check and our insert; the unique
        # constraints caught it and the transaction rolled back.
        result.errors = [make_error(1, "", "conflict")]
        return result
    result.created = len(objects)
    return result


__all__ = [
    "KINDS",
    "KIND_CHOICES",
    "MESSAGES",
    "Column",
    "ImportResult",
    "RowError",
    "check_permission",
    "make_error",
    "run_import",
]
