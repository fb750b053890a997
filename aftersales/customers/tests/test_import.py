"""Importing customers, contacts and equipment from CSV and XLSX: checks, all-or-nothing, API."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook

from aftersales.core.exceptions import PermissionDenied
from aftersales.core.models import HistoryEntry, Job
from aftersales.customers import services
from aftersales.customers.choices import EquipmentStatus, HandoverStatus, RegionClass, Tier
from aftersales.customers.imports import ImportResult, run_import
from aftersales.customers.models import Company, Contact, Equipment, Project
from aftersales.testing import factories as f
from aftersales.testing.world import World

pytestmark = pytest.mark.django_db

Rows = Sequence[Sequence[Any]]


@pytest.fixture(autouse=True)
def _private_storage(settings: Any, tmp_path: Path) -> None:
    """Uploaded import files go to a temporary directory, not the checkout."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


def write_file(folder: Path, name: str, rows: Rows, encoding: str = "utf-8-sig") -> Path:
    """A CSV or XLSX file (by the name's extension) holding ``rows``, header first."""
    path = folder / name
    if name.endswith(".xlsx"):
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows:
            sheet.append(list(row))
        book.save(path)
    else:
        with path.open("w", encoding=encoding, newline="") as handle:
            csv.writer(handle).writerows(rows)
    return path


def do_import(actor: Any, kind: str, path: Path, *, dry_run: bool = False) -> ImportResult:
    return run_import(
        actor=actor, kind=kind, data=path.read_bytes(), filename=path.name, dry_run=dry_run
    )


def imported_history() -> int:
    return HistoryEntry.objects.filter(action="imported").count()


def errors_at(result: ImportResult) -> set[tuple[int, str, str]]:
    return {(e["row"], e["field"], e["code"]) for e in result.errors}


# --- Companies ------------------------------------------------------------------------------

COMPANY_HEADER = ["name", "name_en", "code", "tier", "region_class", "city", "service_department"]


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_companies_import_from_csv_and_xlsx(world: World, tmp_path: Path, ext: str) -> None:
    path = write_file(
        tmp_path,
        f"companies.{ext}",
        [
            COMPANY_HEADER,
            ["丙方电力有限公司", "Initech Power", "CU-X-1", "key", "remote", "昆明", "service"],
            ["丁方水务有限公司", "", "", "普通", "国内", "南京", ""],
        ],
    )
    result = do_import(world.director, "companies", path)
    assert result.errors == [] and result.created == 2
    initech = Company.objects.get(code="CU-X-1")
    assert (initech.tier, initech.region_class) == (Tier.KEY, RegionClass.REMOTE)
    assert initech.service_department == world.service
    water = Company.objects.get(name="丁方水务有限公司")
    assert water.code.startswith("CU-") and water.region_class == RegionClass.DOMESTIC
    assert imported_history() == 2


def test_company_rows_with_bad_values_are_each_reported_and_nothing_is_written(
    world: World, tmp_path: Path
) -> None:
    path = write_file(
        tmp_path,
        "companies.csv",
        [
            COMPANY_HEADER,
            ["好客户", "", "", "vip", "", "", ""],
            [world.acme.name, "", "", "", "", "", ""],
            ["重复客户", "", "", "", "", "", "nowhere"],
            ["重复客户", "", world.globex.code, "", "moon", "", ""],
            ["", "", "", "", "", "", ""],  # blank rows are skipped, not errors
            ["", "No Chinese name", "", "", "", "", ""],
        ],
    )
    before = Company.objects.count()
    result = do_import(world.director, "companies", path)
    assert errors_at(result) == {
        (2, "tier", "invalid_choice"),
        (3, "name", "exists"),
        (4, "service_department", "department_not_found"),
        (5, "name", "duplicate_in_file"),
        (5, "code", "exists"),
        (5, "region_class", "invalid_choice"),
        (7, "name", "required"),
    }
    assert Company.objects.count() == before and imported_history() == 0
    for error in result.errors:
        assert set(error["message"]) == {"zh-hans", "en"} and all(error["message"].values())
    duplicate = next(e for e in result.errors if e["code"] == "duplicate_in_file")
    assert duplicate["message"]["en"] == "“重复客户” already appears in row 4."


def test_chinese_headers_and_values_work(world: World, tmp_path: Path) -> None:
    path = write_file(
        tmp_path,
        "客户.xlsx",
        [
            ["客户名称*", "客户等级", "区域类别", "省份", "服务部门"],
            ["戊方钢铁有限公司", "大客户", "边远地区", "新疆", "service"],
        ],
    )
    result = do_import(world.director, "companies", path)
    assert result.errors == []
    company = Company.objects.get(name="戊方钢铁有限公司")
    assert (company.tier, company.region_class, company.province) == (
        Tier.KEY,
        RegionClass.REMOTE,
        "新疆",
    )


def test_gb18030_csv_from_chinese_excel_works(world: World, tmp_path: Path) -> None:
    path = write_file(
        tmp_path,
        "customers.csv",
        [["名称", "城市", "客户等级"], ["己方纺织有限公司", "绍兴", "普通"]],
        encoding="gb18030",
    )
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    result = do_import(world.director, "companies", path)
    assert result.errors == [] and Company.objects.filter(city="绍兴").count() == 1


def test_a_missing_required_column_is_reported_on_the_header_row(
    world: World, tmp_path: Path
) -> None:
    path = write_file(tmp_path, "c.csv", [["city", "remark"], ["上海", "x"]])
    result = do_import(world.director, "companies", path, dry_run=True)
    assert errors_at(result) == {(1, "name", "missing_column")}
    assert result.ignored_columns == ["remark"]


def test_a_file_that_is_not_a_table_is_reported_not_raised(world: World, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip file")
    assert errors_at(do_import(world.director, "companies", broken)) == {(1, "", "unreadable")}
    other = tmp_path / "notes.txt"
    other.write_text("name\nx\n")
    assert errors_at(do_import(world.director, "companies", other)) == {(1, "", "unsupported_type")}


# --- Contacts -------------------------------------------------------------------------------


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_contacts_import_by_customer_number_or_name(world: World, tmp_path: Path, ext: str) -> None:
    fresh = cast(
        Company, f.CompanyFactory(name="庚方食品有限公司", service_department=world.service)
    )
    path = write_file(
        tmp_path,
        f"contacts.{ext}",
        [
            ["company", "name", "title", "mobile", "email", "is_primary"],
            [fresh.code, "王强", "厂长", "13800000001", "wq@example.com", "是"],
            [world.acme.name, "赵敏", "", 13800000002, "", "no"],
        ],
    )
    result = do_import(world.agent, "contacts", path)
    assert result.errors == [] and result.created == 2
    primary = Contact.objects.get(company=fresh)
    assert primary.is_primary and primary.email == "wq@example.com"
    assert Contact.objects.get(name="赵敏").mobile == "13800000002"
    assert imported_history() == 2


def test_contact_errors_cover_references_emails_and_the_one_primary_rule(
    world: World, tmp_path: Path
) -> None:
    fresh = cast(Company, f.CompanyFactory(name="辛方物流有限公司"))
    path = write_file(
        tmp_path,
        "contacts.csv",
        [
            ["客户", "姓名", "邮箱", "主要联系人"],
            ["无此客户", "甲", "", ""],
            [world.acme.code, "乙", "not-an-email", "maybe"],
            [world.acme.code, "丙", "", "yes"],
            [fresh.name, "丁", "", "yes"],
            [fresh.name, "戊", "", "1"],
            [fresh.name, "", "", ""],
        ],
    )
    result = do_import(world.director, "contacts", path)
    assert errors_at(result) == {
        (2, "客户", "company_not_found"),
        (3, "邮箱", "invalid_email"),
        (3, "主要联系人", "invalid_boolean"),
        (4, "主要联系人", "primary_exists"),
        (6, "主要联系人", "primary_in_file"),
        (7, "姓名", "required"),
    }
    assert not Contact.objects.filter(company=fresh).exists()


# --- Equipment ------------------------------------------------------------------------------

EQUIPMENT_HEADER = [
    "serial_number",
    "product_model",
    "company",
    "site",
    "project",
    "delivered_on",
    "commissioned_on",
    "warranty_months",
    "contract_amount",
]


def _open_project(world: World) -> Project:
    return services.create_project(actor=world.manager, company=world.acme, data={"name": "二期"})


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_equipment_import_derives_warranty_and_status_like_registration(
    world: World, tmp_path: Path, ext: str
) -> None:
    site = f.SiteFactory(company=world.acme, name="一号厂区")
    project = _open_project(world)
    # XLSX carries real date cells; CSV carries text dates.
    delivered: Any = dt.date(2026, 1, 10) if ext == "xlsx" else "2026-01-10"
    path = write_file(
        tmp_path,
        f"units.{ext}",
        [
            EQUIPMENT_HEADER,
            [
                "SN-1",
                "HP-200",
                world.acme.code,
                "一号厂区",
                "",
                delivered,
                "2026/1/15",
                "",
                "1,200.50",
            ],
            ["SN-2", "HP-200", world.acme.name, "", project.number, "", "", 24, 0],
        ],
    )
    result = do_import(world.director, "equipment", path)
    assert result.errors == [] and result.created == 2
    first = Equipment.objects.get(serial_number="SN-1")
    assert first.site == site and first.contract_amount == Decimal("1200.50")
    assert first.warranty_end == dt.date(2027, 1, 14) == services.unit_warranty_end(first)
    assert first.status == EquipmentStatus.IN_SERVICE and first.in_service_since is not None
    second = Equipment.objects.get(serial_number="SN-2")
    assert second.status == EquipmentStatus.PENDING and second.in_service_since is None
    assert second.warranty_end is None and second.warranty_months == 24
    entry = HistoryEntry.objects.get(action="imported", object_id=str(first.pk))
    assert entry.actor == world.director and entry.changes["serial_number"] == [None, "SN-1"]


def test_units_of_a_completed_handover_are_in_service_at_once(world: World, tmp_path: Path) -> None:
    project = _open_project(world)
    Project.objects.filter(pk=project.pk).update(
        handover_status=HandoverStatus.COMPLETED, handover_completed_at=timezone.now()
    )
    path = write_file(
        tmp_path,
        "u.csv",
        [["序列号", "型号", "客户", "项目"], ["SN-9", "HP-200", world.acme.code, project.number]],
    )
    assert do_import(world.director, "equipment", path).errors == []
    assert Equipment.objects.get(serial_number="SN-9").status == EquipmentStatus.IN_SERVICE


def test_every_bad_equipment_row_is_reported_with_row_field_and_both_languages(
    world: World, tmp_path: Path
) -> None:
    f.EquipmentFactory(serial_number="OLD-1", company=world.acme, product_model=world.model)
    other = services.create_project(
        actor=world.director, company=world.globex, data={"name": "乙方项目"}
    )
    acme = world.acme.code
    path = write_file(
        tmp_path,
        "units.xlsx",
        [
            EQUIPMENT_HEADER,
            ["", "HP-200", acme, "", "", "", "", "", ""],
            ["SN-A", "NO-SUCH", acme, "", "", "", "", "", ""],
            ["SN-B", "HP-200", acme, "无此厂区", "", "2026-13-01", "", "", "-5"],
            ["SN-C", "HP-200", acme, "", other.number, "2026-03-01", "2026-02-01", "x", ""],
            ["SN-C", "HP-200", acme, "", "", "", "", "", "1.234"],
            ["OLD-1", "HP-200", acme, "", "", "", "", "", ""],
            ["SN-D", "HP-200", "", "", "PJ-NONE", "", "", "", "abc"],
        ],
    )
    result = do_import(world.director, "equipment", path)
    assert errors_at(result) == {
        (2, "serial_number", "required"),
        (3, "product_model", "model_not_found"),
        (4, "site", "site_not_found"),
        (4, "delivered_on", "invalid_date"),
        (4, "contract_amount", "negative"),
        (5, "project", "project_other_company"),
        (5, "commissioned_on", "commissioned_before_delivery"),
        (5, "warranty_months", "invalid_integer"),
        (6, "serial_number", "duplicate_in_file"),
        (6, "contract_amount", "too_many_decimals"),
        (7, "serial_number", "exists"),
        (8, "company", "required"),
        (8, "project", "project_not_found"),
        (8, "contract_amount", "invalid_amount"),
    }
    assert [e["row"] for e in result.errors] == sorted(e["row"] for e in result.errors)
    missing = result.errors[0]
    assert missing["message"]["en"] == "This value is required."
    assert missing["message"]["zh-hans"]
    assert Equipment.objects.count() == 1 and imported_history() == 0


def test_a_dry_run_checks_everything_and_writes_nothing(world: World, tmp_path: Path) -> None:
    path = write_file(
        tmp_path, "u.csv", [EQUIPMENT_HEADER[:3], ["SN-1", "HP-200", world.acme.code]]
    )
    result = do_import(world.director, "equipment", path, dry_run=True)
    assert result.errors == [] and result.rows == 1 and result.created == 0
    assert not Equipment.objects.exists() and imported_history() == 0


def test_one_bad_row_among_good_ones_means_nothing_is_written(world: World, tmp_path: Path) -> None:
    rows: list[list[Any]] = [EQUIPMENT_HEADER[:3]]
    rows += [[f"SN-{i}", "HP-200", world.acme.code] for i in range(50)]
    rows.insert(30, ["SN-BAD", "HP-200", "无此客户"])
    path = write_file(tmp_path, "u.csv", rows)
    result = do_import(world.director, "equipment", path)
    assert errors_at(result) == {(31, "company", "company_not_found")}
    assert result.created == 0 and not Equipment.objects.exists()


def test_progress_is_reported_through_validation_and_writing(world: World, tmp_path: Path) -> None:
    rows: list[list[Any]] = [EQUIPMENT_HEADER[:3]]
    rows += [[f"SN-{i}", "HP-200", world.acme.code] for i in range(1200)]
    path = write_file(tmp_path, "u.csv", rows)
    calls: list[tuple[int, int]] = []
    result = run_import(
        actor=world.director,
        kind="equipment",
        data=path.read_bytes(),
        filename=path.name,
        dry_run=False,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert result.created == 1200
    assert {total for _done, total in calls} == {2400}
    done = [d for d, _total in calls]
    assert done == sorted(done) and done[0] == 0 and done[-1] == 2400 and 500 in done


# --- Permissions and visibility -------------------------------------------------------------


def test_importing_needs_the_import_and_the_add_permission(world: World, tmp_path: Path) -> None:
    path = write_file(tmp_path, "u.csv", [EQUIPMENT_HEADER[:3], ["SN-1", "HP-200", "x"]])
    # The agent may import, but not add equipment; the engineer may not import at all.
    for actor in (world.agent, world.engineer, world.acme_portal):
        with pytest.raises(PermissionDenied):
            do_import(actor, "equipment", path)


def _grant(user: Any, *codenames: str) -> Any:
    """Give ``user``'s roles extra permissions (permissions come from roles only)."""
    for group in user.groups.all():
        group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    return type(user).objects.get(pk=user.pk)  # a fresh object: permission caches reset


def test_a_portal_user_cannot_reference_a_company_they_cannot_see(
    world: World, tmp_path: Path
) -> None:
    portal = _grant(world.globex_portal, "import_data", "add_equipment")
    path = write_file(
        tmp_path,
        "u.csv",
        [
            EQUIPMENT_HEADER[:3],
            ["SN-1", "HP-200", world.acme.code],
            ["SN-2", "HP-200", world.acme.name],
            ["SN-3", "HP-200", world.globex.code],
        ],
    )
    result = do_import(portal, "equipment", path)
    assert errors_at(result) == {
        (2, "company", "company_not_found"),
        (3, "company", "company_not_found"),
    }
    # The message is the same as for a company that does not exist at all.
    assert (
        result.errors[0]["message"]["en"]
        == f"No customer has the number or name “{world.acme.code}”."
    )
    assert not Equipment.objects.exists()


def test_a_department_manager_cannot_reference_another_departments_customer(
    world: World, tmp_path: Path
) -> None:
    path = write_file(
        tmp_path, "c.csv", [["company", "name"], [world.globex.code, "甲"], [world.acme.code, "乙"]]
    )
    result = do_import(world.manager, "contacts", path)
    assert errors_at(result) == {(2, "company", "company_not_found")}


# --- API ------------------------------------------------------------------------------------


def _upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def test_api_upload_runs_the_job_and_reports_counts(
    world: World, api: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    path = write_file(
        tmp_path, "u.xlsx", [EQUIPMENT_HEADER[:3], ["SN-1", "HP-200", world.acme.code]]
    )
    api.force_authenticate(world.director)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/imports/",
            {"file": _upload(path), "kind": "equipment", "dry_run": "false"},
            format="multipart",
        )
    assert response.status_code == 202, response.data
    assert response.data["kind"] == "equipment" and response.data["status"] == "queued"
    detail = api.get(f"/api/v1/imports/{response.data['id']}/")
    assert detail.status_code == 200
    assert detail.data["status"] == "succeeded" and detail.data["percent"] == 100
    assert detail.data["result"]["created"] == 1 and detail.data["result"]["error_count"] == 0
    assert Equipment.objects.filter(serial_number="SN-1").exists()
    listed = api.get("/api/v1/imports/")
    assert [j["id"] for j in listed.data["results"]] == [response.data["id"]]
    assert "errors" not in listed.data["results"][0]["result"]


def test_api_errors_come_in_the_request_language(
    world: World, api: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    path = write_file(tmp_path, "u.csv", [EQUIPMENT_HEADER[:3], ["", "HP-200", world.acme.code]])
    api.force_authenticate(world.director)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/imports/",
            {"file": _upload(path), "kind": "equipment", "dry_run": "true"},
            format="multipart",
        )
    detail = api.get(f"/api/v1/imports/{response.data['id']}/", HTTP_ACCEPT_LANGUAGE="en")
    assert detail.data["status"] == "failed"
    assert detail.data["result"]["dry_run"] is True
    [error] = detail.data["result"]["errors"]
    assert (error["row"], error["field"], error["code"]) == (2, "serial_number", "required")
    assert error["message"] == "This value is required."
    assert set(error["messages"]) == {"zh-hans", "en"}


def test_api_another_users_job_is_not_found(
    world: World, api: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    path = write_file(tmp_path, "u.csv", [EQUIPMENT_HEADER[:3], ["SN-1", "HP-200", "x"]])
    api.force_authenticate(world.director)
    with django_capture_on_commit_callbacks(execute=True):
        job_id = api.post(
            "/api/v1/imports/", {"file": _upload(path), "kind": "equipment"}, format="multipart"
        ).data["id"]
    for outsider in (world.globex_portal, world.agent):
        api.force_authenticate(outsider)
        assert api.get(f"/api/v1/imports/{job_id}/").status_code == 404
        assert api.get("/api/v1/imports/").data["results"] == []
    api.force_authenticate(world.admin)
    assert api.get(f"/api/v1/imports/{job_id}/").status_code == 200


def test_api_refuses_other_file_types_large_files_and_users_without_permission(
    world: World, api: Any, settings: Any
) -> None:
    api.force_authenticate(world.director)
    exe = SimpleUploadedFile("units.exe", b"MZ")
    response = api.post("/api/v1/imports/", {"file": exe, "kind": "equipment"}, format="multipart")
    assert response.status_code == 400 and "file" in response.data
    settings.AFTERSALES_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("units.csv", b"x" * (1024 * 1024 + 1))
    response = api.post("/api/v1/imports/", {"file": big, "kind": "equipment"}, format="multipart")
    assert response.status_code == 400 and "file" in response.data
    api.force_authenticate(world.acme_portal)
    ok = SimpleUploadedFile("units.csv", b"serial_number\n1\n")
    response = api.post("/api/v1/imports/", {"file": ok, "kind": "equipment"}, format="multipart")
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_the_task_runs_a_job_once_and_fails_it_when_permission_is_gone(
    world: World, tmp_path: Path
) -> None:
    from django.core.files.base import ContentFile

    from aftersales.customers.tasks import run_import_job

    data = write_file(
        tmp_path, "u.csv", [EQUIPMENT_HEADER[:3], ["SN-1", "HP-200", world.acme.code]]
    ).read_bytes()
    job = Job(kind="import_equipment", created_by=world.director, params={"kind": "equipment"})
    job.input_file.save("u.csv", ContentFile(data), save=False)
    job.save()
    run_import_job.call_local(job.pk)
    run_import_job.call_local(job.pk)  # a message delivered twice does not import twice
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result["created"] == 1 and job.percent == 100
    assert Equipment.objects.count() == 1

    # The agent may import but not add equipment: the job fails with a reason, not a crash.
    denied = Job(kind="import_equipment", created_by=world.agent, params={"kind": "equipment"})
    denied.input_file.save("u.csv", ContentFile(data), save=False)
    denied.save()
    run_import_job.call_local(denied.pk)
    denied.refresh_from_db()
    assert denied.status == "failed" and denied.finished_at is not None
    assert [e["code"] for e in denied.result["errors"]] == ["permission_denied"]


def test_api_job_list_queries_stay_flat(
    world: World, api: Any, django_assert_num_queries: Any
) -> None:
    def make_jobs(count: int) -> None:
        Job.objects.bulk_create(
            Job(kind="import_equipment", created_by=world.director, params={"kind": "equipment"})
            for _ in range(count)
        )

    api.force_authenticate(world.director)
    make_jobs(2)
    api.get("/api/v1/imports/")  # warm the user's scope and permission caches
    with django_assert_num_queries(2):  # count + page
        assert len(api.get("/api/v1/imports/").data["results"]) == 2
    make_jobs(30)
    with django_assert_num_queries(2):
        assert len(api.get("/api/v1/imports/").data["results"]) == 32


# --- Command --------------------------------------------------------------------------------


def test_command_imports_a_good_file_and_exits_zero(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    path = write_file(
        tmp_path, "u.csv", [EQUIPMENT_HEADER[:3], ["SN-1", "HP-200", world.acme.code]]
    )
    call_command("import_data", str(path), kind="equipment", user="director")
    assert Equipment.objects.filter(serial_number="SN-1").exists()
    assert "100%" in capsys.readouterr().err


def test_command_prints_each_error_and_exits_non_zero(
    world: World, tmp_path: Path, capsys: Any
) -> None:
    path = write_file(
        tmp_path,
        "u.csv",
        [EQUIPMENT_HEADER[:3], ["SN-1", "NO-SUCH", world.acme.code], ["SN-2", "HP-200", ""]],
    )
    with pytest.raises(CommandError) as err:
        call_command("import_data", str(path), kind="equipment", user="director", lang="en")
    assert err.value.returncode == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "row 2, field product_model: No product model has the code “NO-SUCH”.",
        "row 3, field company: This value is required.",
    ]
    assert not Equipment.objects.exists()


def test_command_dry_run_and_unknown_user(world: World, tmp_path: Path, capsys: Any) -> None:
    path = write_file(
        tmp_path, "u.csv", [EQUIPMENT_HEADER[:3], ["SN-1", "HP-200", world.acme.code]]
    )
    call_command("import_data", str(path), kind="equipment", user="director", dry_run=True)
    assert not Equipment.objects.exists()
    with pytest.raises(CommandError):
        call_command("import_data", str(path), kind="equipment", user="nobody")
