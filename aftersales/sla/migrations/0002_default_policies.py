"""The default promises of SPEC §4, loaded once; administrators edit them afterwards."""

from django.db import migrations

ONSITE_TYPES = ["fault", "installation", "maintenance", "warranty"]
DAY = 24 * 60

POLICIES = [
    # name, name_en, order, criteria, targets
    ("首次响应（15个工作分钟）", "First response within 15 working minutes", 10, {},
     {"response": (15, "working")}),
    ("投诉：24小时内确认问题并给出初步方案", "Complaint confirmed with a preliminary solution within 24 h",
     20, {"request_types": ["complaint"]}, {"response": (DAY, "always")}),
    ("重大疑难问题：4个工作小时内答复", "Major or difficult question answered within 4 working hours",
     30, {"request_types": ["consultation"], "priorities": ["P1", "P2"]},
     {"resolution": (240, "working")}),
    ("大客户到场：本地2小时", "Key account on site: local 2 h", 40,
     {"tiers": ["key"], "region_classes": ["local"], "request_types": ONSITE_TYPES},
     {"arrival": (120, "always")}),
    ("大客户到场：国内24小时", "Key account on site: domestic 24 h", 41,
     {"tiers": ["key"], "region_classes": ["domestic"], "request_types": ONSITE_TYPES},
     {"arrival": (DAY, "always")}),
    ("大客户到场：边远地区5天", "Key account on site: remote 5 days", 42,
     {"tiers": ["key"], "region_classes": ["remote"], "request_types": ONSITE_TYPES},
     {"arrival": (5 * DAY, "always")}),
    ("紧急到场：本地2小时", "Emergency on site: local 2 h", 50,
     {"priorities": ["P1"], "region_classes": ["local"], "request_types": ONSITE_TYPES},
     {"arrival": (120, "always")}),
    ("紧急到场：国内24小时", "Emergency on site: domestic 24 h", 51,
     {"priorities": ["P1"], "region_classes": ["domestic"], "request_types": ONSITE_TYPES},
     {"arrival": (DAY, "always")}),
    ("紧急到场：边远地区5天", "Emergency on site: remote 5 days", 52,
     {"priorities": ["P1"], "region_classes": ["remote"], "request_types": ONSITE_TYPES},
     {"arrival": (5 * DAY, "always")}),
    # Company defaults for resolution (not in the source documents; edit to taste).
    ("解决时限：P1 24小时", "Resolution: P1 24 h", 90, {"priorities": ["P1"]},
     {"resolution": (DAY, "always")}),
    ("解决时限：P2 3个工作日", "Resolution: P2 3 working days", 91, {"priorities": ["P2"]},
     {"resolution": (3 * 9 * 60, "working")}),
    ("解决时限：P3 5个工作日", "Resolution: P3 5 working days", 92, {"priorities": ["P3"]},
     {"resolution": (5 * 9 * 60, "working")}),
    ("解决时限：P4 10个工作日", "Resolution: P4 10 working days", 93, {"priorities": ["P4"]},
     {"resolution": (10 * 9 * 60, "working")}),
]


def load(apps, schema_editor):
    Policy = apps.get_model("sla", "Policy")
    WorkingHours = apps.get_model("sla", "WorkingHours")
    if not WorkingHours.objects.exists():
        WorkingHours.objects.create()
    for name, name_en, order, criteria, targets in POLICIES:
        values = {"name_en": name_en, "order": order, **criteria}
        for kind, (minutes, clock) in targets.items():
            values[f"{kind}_minutes"] = minutes
            values[f"{kind}_clock"] = clock
        Policy.objects.get_or_create(name=name, defaults=values)


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
