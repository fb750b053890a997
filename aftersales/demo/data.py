"""Static demo data: the manufacturer, its departments and staff, customers and catalogue.

Everything here is fictional. Chinese is the master language; English names are given where
a company would have one. E-mail addresses use the reserved ``.example`` domain so that a
demo can never mail a real person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from aftersales.accounts.choices import DepartmentKind, Role
from aftersales.customers.choices import RegionClass, Tier

# Every demo user, staff and portal alike, signs in with this password.
DEMO_PASSWORD = "aftersales-demo"  # noqa: S105 - published on purpose: it is the demo login
DEMO_SEED = 2026

MANUFACTURER = "江苏恒泰智能装备有限公司"
MANUFACTURER_EN = "Jiangsu Hengtai Intelligent Equipment Co., Ltd."
STAFF_MAIL_DOMAIN = "hengtai.example"
SERVICE_HOTLINE = "400-882-6688"
SERIAL_PREFIX = "HT"
CONTRACT_PREFIX = "HT-XS"


# --- Organisation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentSpec:
    """A department of the manufacturer."""

    code: str
    name: str
    name_en: str
    kind: DepartmentKind


@dataclass(frozen=True)
class StaffSpec:
    """A member of staff; ``manages`` names the department they head."""

    username: str
    full_name: str
    roles: tuple[Role, ...]
    department: str | None
    title: str
    manages: str | None = None


@dataclass(frozen=True)
class PortalSpec:
    """A customer's contact who signs in to the portal; the company's primary contact."""

    username: str
    full_name: str
    company: str
    title: str
    mobile: str


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec("service", "售后服务部", "After-sales Service", DepartmentKind.SERVICE),
    DepartmentSpec("technical", "技术部", "Technical Department", DepartmentKind.TECHNICAL),
    DepartmentSpec("purchasing", "采购部", "Purchasing", DepartmentKind.PURCHASING),
    DepartmentSpec("production", "生产部", "Production", DepartmentKind.PRODUCTION),
    DepartmentSpec("quality", "质量部", "Quality", DepartmentKind.QUALITY),
    DepartmentSpec("office", "办公室", "General Office", DepartmentKind.OFFICE),
    DepartmentSpec("business", "商务部", "Business Affairs", DepartmentKind.BUSINESS),
    DepartmentSpec("sales", "销售部", "Sales", DepartmentKind.SALES),
)

R = Role
STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("admin", "周敏", (R.ADMIN,), "office", "系统管理员"),
    StaffSpec("chen.jianguo", "陈建国", (R.EXECUTIVE,), None, "总经理"),
    StaffSpec("liu.zhiqiang", "刘志强", (R.VP,), None, "分管售后副总经理"),
    StaffSpec("wang.jianhua", "王建华", (R.SERVICE_DIRECTOR,), "service", "售后服务总监"),
    StaffSpec("li.ming", "李明", (R.DEPARTMENT_MANAGER,), "service", "售后服务部经理", "service"),
    StaffSpec(
        "zhao.guodong", "赵国栋", (R.DEPARTMENT_MANAGER,), "technical", "技术部经理", "technical"
    ),
    StaffSpec("sun.li", "孙丽", (R.DEPARTMENT_MANAGER,), "purchasing", "采购部经理", "purchasing"),
    StaffSpec("ma.jun", "马军", (R.DEPARTMENT_MANAGER,), "production", "生产部经理", "production"),
    StaffSpec("hu.xiaoyan", "胡晓燕", (R.DEPARTMENT_MANAGER,), "quality", "质量部经理", "quality"),
    StaffSpec(
        "zheng.hong", "郑红", (R.DEPARTMENT_MANAGER, R.OFFICE), "office", "办公室主任", "office"
    ),
    StaffSpec(
        "huang.zhiwei",
        "黄志伟",
        (R.DEPARTMENT_MANAGER, R.BUSINESS_MANAGER),
        "business",
        "商务部经理",
        "business",
    ),
    StaffSpec("wu.haitao", "吴海涛", (R.DEPARTMENT_MANAGER,), "sales", "销售部经理", "sales"),
    StaffSpec("wang.fang", "王芳", (R.AGENT,), "service", "客服专员"),
    StaffSpec("zhang.li", "张丽", (R.AGENT,), "service", "客服专员"),
    StaffSpec("liu.yang", "刘洋", (R.ENGINEER,), "service", "售后服务工程师"),
    StaffSpec("chen.lei", "陈磊", (R.ENGINEER,), "service", "现场服务工程师"),
    StaffSpec("yang.fan", "杨帆", (R.ENGINEER,), "service", "售后服务工程师"),
    StaffSpec("xu.jing", "徐静", (R.ENGINEER,), "technical", "技术支持工程师"),
    StaffSpec("gao.feng", "高峰", (R.ENGINEER,), "technical", "工艺工程师"),
    StaffSpec("lin.xiaohong", "林晓红", (R.OFFICE,), "office", "回访专员"),
    StaffSpec("he.wei", "何伟", (R.QC,), "quality", "质检员"),
    StaffSpec("luo.qiang", "罗强", (R.WAREHOUSE,), "production", "仓库管理员"),
)

PORTAL_USERS: tuple[PortalSpec, ...] = (
    PortalSpec("zhou.hai", "周海", "qingyuan", "设备科科长", "13862150218"),
    PortalSpec("shen.yue", "沈悦", "xinyuan", "厂务部主管", "13771026635"),
    PortalSpec("tang.wei", "唐伟", "jiangcheng", "能源动力部部长", "13907186642"),
    PortalSpec("aili.maimaiti", "艾力·买买提", "tianshan", "设备动力处主任", "13899120457"),
)


# --- Customers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteSpec:
    """A customer site; province and city default to the company's."""

    name: str
    address: str
    city: str = ""
    province: str = ""
    region_class: str = ""


@dataclass(frozen=True)
class CompanySpec:
    """A customer company; ``kinds`` are the equipment packages it buys (see PACKAGES)."""

    key: str
    name: str
    name_en: str
    tier: Tier
    region: RegionClass
    industry: str
    province: str
    city: str
    area_code: str
    address: str
    domain: str
    kinds: tuple[str, ...]
    projects: int
    sites: tuple[SiteSpec, ...]
    served_by: str = "service"
    extra_units: int = 0


K, N = Tier.KEY, Tier.NORMAL
LOCAL, DOMESTIC, REMOTE = RegionClass.LOCAL, RegionClass.DOMESTIC, RegionClass.REMOTE

COMPANIES: tuple[CompanySpec, ...] = (
    # Local (本地): the Yangtze delta around the factory in Wuxi.
    CompanySpec(
        "qingyuan", "苏州工业园区清源水务有限公司",
        "Suzhou Industrial Park Qingyuan Water Co., Ltd.",
        K, LOCAL, "市政供水", "江苏省", "苏州市", "0512", "苏州工业园区星湖街1288号",
        "qingyuan-water.example", ("water",), 3,
        (
            SiteSpec("园区第二净水厂", "苏州工业园区星湖街1288号"),
            SiteSpec("娄江水质净化厂", "苏州工业园区娄江大道66号"),
        ),
    ),
    CompanySpec(
        "xinyuan", "无锡芯源半导体材料有限公司", "Wuxi Xinyuan Semiconductor Materials Co., Ltd.",
        K, LOCAL, "电子/半导体", "江苏省", "无锡市", "0510", "无锡市新吴区长江路58号",
        "xinyuan-semi.example", ("pure", "oilfree"), 2,
        (
            SiteSpec("新吴一厂", "无锡市新吴区长江路58号"),
            SiteSpec("锡东二厂", "无锡市锡山区锡东大道220号"),
        ),
        served_by="technical",
    ),
    CompanySpec(
        "jiangbei", "南京江北新材料化工有限公司",
        "Nanjing Jiangbei New Materials Chemical Co., Ltd.",
        K, LOCAL, "化工", "江苏省", "南京市", "025", "南京市江北新区方水路168号",
        "jbchem.example", ("water", "air"), 2,
        (SiteSpec("江北新区厂区", "南京市江北新区方水路168号"),),
    ),
    CompanySpec(
        "tianning", "常州天宁纺织印染有限公司", "Changzhou Tianning Textile Dyeing Co., Ltd.",
        N, LOCAL, "纺织印染", "江苏省", "常州市", "0519", "常州市天宁区青洋北路99号",
        "tn-textile.example", ("water",), 1,
        (SiteSpec("印染车间", "常州市天宁区青洋北路99号"),),
    ),
    CompanySpec(
        "kangda", "苏州吴中康达制药有限公司", "Suzhou Wuzhong Kangda Pharmaceutical Co., Ltd.",
        N, LOCAL, "制药", "江苏省", "苏州市", "0512", "苏州市吴中区木渎镇金枫路18号",
        "kangda-pharma.example", ("pure",), 1,
        (SiteSpec("固体制剂车间", "苏州市吴中区木渎镇金枫路18号"),),
    ),
    CompanySpec(
        "huishan", "无锡惠山热电有限公司", "Wuxi Huishan Thermal Power Co., Ltd.",
        K, LOCAL, "电力/热电", "江苏省", "无锡市", "0510", "无锡市惠山区堰桥街道锡澄路1号",
        "huishan-power.example", ("water", "air"), 2,
        (
            SiteSpec("热电厂化水车间", "无锡市惠山区堰桥街道锡澄路1号"),
            SiteSpec("热电厂东区动力站", "无锡市惠山区堰桥街道锡澄路1号东侧"),
        ),
    ),
    CompanySpec(
        "haian", "南通海安食品饮料有限公司", "Nantong Hai'an Food & Beverage Co., Ltd.",
        N, LOCAL, "食品饮料", "江苏省", "南通市", "0513", "南通市海安市开发区长江中路5号",
        "haian-food.example", ("water",), 1,
        (SiteSpec("饮料灌装车间", "南通市海安市开发区长江中路5号"),),
    ),
    CompanySpec(
        "jinshan", "镇江金山造纸有限公司", "Zhenjiang Jinshan Paper Co., Ltd.",
        N, LOCAL, "造纸", "江苏省", "镇江市", "0511", "镇江市京口区丁卯桥路118号",
        "jinshan-paper.example", ("air",), 1,
        (SiteSpec("造纸一厂", "镇江市京口区丁卯桥路118号"),),
    ),
    CompanySpec(
        "pujiang", "上海浦江精密机械有限公司", "Shanghai Pujiang Precision Machinery Co., Ltd.",
        N, LOCAL, "机械制造", "上海市", "上海市", "021", "上海市闵行区江川路1800号",
        "pujiang-pm.example", ("air",), 1,
        (SiteSpec("闵行工厂", "上海市闵行区江川路1800号"),),
    ),
    CompanySpec(
        "boyuan", "昆山博远电子科技有限公司", "Kunshan Boyuan Electronics Technology Co., Ltd.",
        N, LOCAL, "电子制造", "江苏省", "苏州市", "0512", "昆山市开发区前进东路388号",
        "boyuan-tech.example", ("oilfree",), 0,
        (SiteSpec("昆山工厂", "昆山市开发区前进东路388号"),),
        extra_units=4,
    ),
    # Domestic (国内): the rest of the mainland, within a day's travel.
    CompanySpec(
        "shunan", "成都蜀南化工有限公司", "Chengdu Shunan Chemical Co., Ltd.",
        N, DOMESTIC, "化工", "四川省", "成都市", "028", "成都市彭州市化工园区天彭大道8号",
        "shunan-chem.example", ("water",), 1,
        (
            SiteSpec("彭州生产基地", "成都市彭州市化工园区天彭大道8号"),
            SiteSpec(
                "康定锂辉石选矿厂", "甘孜藏族自治州康定市呷巴乡", "甘孜藏族自治州", "四川省",
                REMOTE,
            ),
        ),
    ),
    CompanySpec(
        "jiangcheng", "武汉江城钢铁集团有限公司", "Wuhan Jiangcheng Iron & Steel Group Co., Ltd.",
        K, DOMESTIC, "钢铁", "湖北省", "武汉市", "027", "武汉市青山区冶金大道999号",
        "jcsteel.example", ("air", "water"), 3,
        (
            SiteSpec("青山炼钢厂", "武汉市青山区冶金大道999号"),
            SiteSpec("阳逻冷轧基地", "武汉市新洲区阳逻街港城大道88号"),
        ),
    ),
    CompanySpec(
        "liaoshen", "沈阳辽沈重型装备有限公司", "Shenyang Liaoshen Heavy Equipment Co., Ltd.",
        N, DOMESTIC, "重型机械", "辽宁省", "沈阳市", "024", "沈阳市铁西区北二东路66号",
        "liaoshen-he.example", ("air",), 1,
        (SiteSpec("铁西厂区", "沈阳市铁西区北二东路66号"),),
    ),
    CompanySpec(
        "zhongyuan", "郑州中原食品有限公司", "Zhengzhou Zhongyuan Foods Co., Ltd.",
        N, DOMESTIC, "食品饮料", "河南省", "郑州市", "0371", "郑州市惠济区天河路120号",
        "zy-foods.example", ("water",), 1,
        (SiteSpec("速冻食品厂", "郑州市惠济区天河路120号"),),
    ),
    CompanySpec(
        "qinchuan", "西安秦川制药有限公司", "Xi'an Qinchuan Pharmaceutical Co., Ltd.",
        N, DOMESTIC, "制药", "陕西省", "西安市", "029", "西安市高新区草堂科技产业基地秦岭大道16号",
        "qinchuan-pharma.example", ("pure", "oilfree"), 2,
        (SiteSpec("草堂工厂", "西安市高新区草堂科技产业基地秦岭大道16号"),),
        served_by="technical",
    ),
    CompanySpec(
        "xiangjiang", "长沙湘江水务集团有限公司", "Changsha Xiangjiang Water Group Co., Ltd.",
        K, DOMESTIC, "市政供水", "湖南省", "长沙市", "0731", "长沙市天心区湘府西路31号",
        "xj-water.example", ("water",), 2,
        (
            SiteSpec("猴子石水厂", "长沙市天心区书院南路588号"),
            SiteSpec("望城水厂", "长沙市望城区雷锋大道1028号"),
        ),
    ),
    CompanySpec(
        "haibin", "青岛海滨啤酒有限公司", "Qingdao Haibin Brewery Co., Ltd.",
        N, DOMESTIC, "食品饮料", "山东省", "青岛市", "0532", "青岛市崂山区海尔路178号",
        "haibin-beer.example", ("water", "oilfree"), 1,
        (SiteSpec("崂山酿造厂", "青岛市崂山区海尔路178号"),),
    ),
    CompanySpec(
        "luzhou", "合肥庐州热电有限公司", "Hefei Luzhou Thermal Power Co., Ltd.",
        N, DOMESTIC, "电力/热电", "安徽省", "合肥市", "0551", "合肥市瑶海区站北路200号",
        "luzhou-power.example", ("water",), 1,
        (SiteSpec("热电站化水车间", "合肥市瑶海区站北路200号"),),
    ),
    CompanySpec(
        "changjiang", "重庆长江汽车零部件有限公司", "Chongqing Changjiang Auto Parts Co., Ltd.",
        N, DOMESTIC, "汽车零部件", "重庆市", "重庆市", "023", "重庆市两江新区金渝大道99号",
        "cj-autoparts.example", ("air",), 1,
        (SiteSpec("两江新区工厂", "重庆市两江新区金渝大道99号"),),
        extra_units=3,
    ),
    CompanySpec(
        "zhujiang", "广州珠江精细化工有限公司", "Guangzhou Zhujiang Fine Chemicals Co., Ltd.",
        N, DOMESTIC, "化工", "广东省", "广州市", "020", "广州市南沙区黄阁镇港前路12号",
        "zj-finechem.example", ("water",), 1,
        (SiteSpec("南沙厂区", "广州市南沙区黄阁镇港前路12号"),),
        served_by="technical",
    ),
    CompanySpec(
        "yandong", "唐山燕东特钢有限公司", "Tangshan Yandong Special Steel Co., Ltd.",
        N, DOMESTIC, "钢铁", "河北省", "唐山市", "0315", "唐山市丰南区沿海工业区钢城路6号",
        "yandong-steel.example", ("air",), 2,
        (SiteSpec("丰南厂区", "唐山市丰南区沿海工业区钢城路6号"),),
    ),
    CompanySpec(
        "sanxia", "宜昌三峡新能源材料有限公司", "Yichang Sanxia New Energy Materials Co., Ltd.",
        N, DOMESTIC, "新能源材料", "湖北省", "宜昌市", "0717", "宜昌市猇亭区猇亭大道66号",
        "sanxia-nem.example", ("pure", "air"), 1,
        (SiteSpec("猇亭工业园厂区", "宜昌市猇亭区猇亭大道66号"),),
    ),
    # Remote areas (边远地区): Tibet, Xinjiang, Qinghai, western Inner Mongolia, Gansu.
    CompanySpec(
        "gaoyuan", "拉萨高原净水有限公司", "Lhasa Gaoyuan Water Purification Co., Ltd.",
        N, REMOTE, "市政供水", "西藏自治区", "拉萨市", "0891",
        "拉萨市堆龙德庆区柳梧新区察古大道9号",
        "gaoyuan-water.example", ("water",), 1,
        (SiteSpec("柳梧净水站", "拉萨市堆龙德庆区柳梧新区察古大道9号"),),
    ),
    CompanySpec(
        "tianshan", "新疆天山化工有限公司", "Xinjiang Tianshan Chemical Co., Ltd.",
        K, REMOTE, "化工", "新疆维吾尔自治区", "乌鲁木齐市", "0991",
        "乌鲁木齐市米东区化工工业园友谊路7号",
        "tianshan-chem.example", ("water", "air"), 2,
        (
            SiteSpec("米东化工园厂区", "乌鲁木齐市米东区化工工业园友谊路7号"),
            SiteSpec("甘泉堡分厂", "乌鲁木齐市甘泉堡经济技术开发区纬五路3号"),
        ),
    ),
    CompanySpec(
        "qaidam", "格尔木柴达木锂业有限公司", "Golmud Qaidam Lithium Co., Ltd.",
        K, REMOTE, "锂盐/矿业", "青海省", "格尔木市", "0979",
        "格尔木市昆仑经济技术开发区盐湖路15号",
        "qaidam-lithium.example", ("pure", "air"), 2,
        (
            SiteSpec("昆仑开发区厂区", "格尔木市昆仑经济技术开发区盐湖路15号"),
            SiteSpec("察尔汗提锂车间", "格尔木市察尔汗盐湖工业园区"),
        ),
        served_by="technical",
    ),
    CompanySpec(
        "kongquehe", "库尔勒孔雀河石化有限公司", "Korla Kongquehe Petrochemical Co., Ltd.",
        N, REMOTE, "石油化工", "新疆维吾尔自治区", "库尔勒市", "0996",
        "库尔勒经济技术开发区石化大道21号",
        "kqh-petro.example", ("air",), 1,
        (SiteSpec("开发区厂区", "库尔勒经济技术开发区石化大道21号"),),
    ),
    CompanySpec(
        "hengyuan", "内蒙古阿拉善恒源煤化有限公司",
        "Inner Mongolia Alxa Hengyuan Coal Chemical Co., Ltd.",
        N, REMOTE, "煤化工", "内蒙古自治区", "阿拉善盟", "0483", "阿拉善盟乌斯太工业园区化工路3号",
        "hengyuan-coal.example", ("water",), 1,
        (SiteSpec("乌斯太厂区", "阿拉善盟乌斯太工业园区化工路3号"),),
    ),
    CompanySpec(
        "gobi", "酒泉戈壁新能源发电有限公司", "Jiuquan Gobi New Energy Power Co., Ltd.",
        N, REMOTE, "新能源发电", "甘肃省", "酒泉市", "0937", "酒泉市瓜州县柳园镇光热产业园",
        "gobi-power.example", ("water",), 1,
        (SiteSpec("瓜州光热电站", "酒泉市瓜州县柳园镇光热产业园"),),
    ),
    CompanySpec(
        "xueyu", "日喀则雪域饮品有限公司", "",
        N, REMOTE, "饮用水", "西藏自治区", "日喀则市", "0892", "日喀则市桑珠孜区珠峰路18号",
        "xueyu-drinks.example", ("water",), 0,
        (SiteSpec("桑珠孜灌装厂", "日喀则市桑珠孜区珠峰路18号"),),
        extra_units=3,
    ),
    CompanySpec(
        "silu", "喀什丝路纺织有限公司", "",
        N, REMOTE, "纺织", "新疆维吾尔自治区", "喀什市", "0998", "喀什经济开发区深喀大道16号",
        "silu-textile.example", ("air",), 1,
        (SiteSpec("深喀纺纱车间", "喀什经济开发区深喀大道16号"),),
    ),
)  # fmt: skip

# The newest project of these companies is still being handed over, in the state named, with
# the project manager named (so the README can say who can move it on). Every other project
# has completed its handover.
OPEN_HANDOVERS: tuple[tuple[str, str, str], ...] = (
    ("qingyuan", "awaiting_customer", "liu.yang"),
    ("xinyuan", "awaiting_after_sales", "xu.jing"),
    ("jiangcheng", "awaiting_project_team", "chen.lei"),
    ("tianshan", "awaiting_after_sales", "yang.fan"),
    ("shunan", "ready", "liu.yang"),
    ("yandong", "withdrawn", "chen.lei"),
    ("xiangjiang", "drafting", "yang.fan"),
    ("qinchuan", "drafting", "gao.feng"),
    ("gobi", "drafting", "chen.lei"),
    ("jiangbei", "new", "liu.yang"),
)

# (hanzi, pinyin) pools for the customers' contacts.
SURNAMES: tuple[tuple[str, str], ...] = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
    ("徐", "xu"), ("孙", "sun"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"),
    ("何", "he"), ("罗", "luo"), ("梁", "liang"), ("宋", "song"), ("谢", "xie"),
    ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"), ("彭", "peng"),
)  # fmt: skip
GIVEN_NAMES: tuple[tuple[str, str], ...] = (
    ("建平", "jianping"), ("海燕", "haiyan"), ("志刚", "zhigang"), ("秀英", "xiuying"),
    ("国华", "guohua"), ("晓东", "xiaodong"), ("丽萍", "liping"), ("文斌", "wenbin"),
    ("春梅", "chunmei"), ("永强", "yongqiang"), ("雪峰", "xuefeng"), ("慧", "hui"),
    ("伟", "wei"), ("磊", "lei"), ("婷", "ting"), ("涛", "tao"), ("宏伟", "hongwei"),
    ("玉兰", "yulan"), ("振华", "zhenhua"), ("红霞", "hongxia"), ("明亮", "mingliang"),
    ("佳", "jia"), ("德胜", "desheng"), ("静", "jing"), ("俊杰", "junjie"),
)  # fmt: skip
CONTACT_TITLES: tuple[str, ...] = (
    "设备部经理",
    "动力车间主任",
    "水处理站站长",
    "采购主管",
    "总工程师",
    "生产副总经理",
    "设备管理员",
    "能源科科长",
    "安环部经理",
)


# --- Catalogue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductLineSpec:
    """A product line."""

    code: str
    name: str
    name_en: str


@dataclass(frozen=True)
class ProductModelSpec:
    """A product model with its list price and the packages (kinds) it belongs to."""

    line: str
    code: str
    name: str
    name_en: str
    warranty_months: int
    price: Decimal
    kinds: tuple[str, ...] = field(default_factory=tuple)


PRODUCT_LINES: tuple[ProductLineSpec, ...] = (
    ProductLineSpec("water", "水处理设备", "Water Treatment Systems"),
    ProductLineSpec("compressor", "空气压缩机", "Air Compressors"),
    ProductLineSpec("airtreat", "压缩空气净化设备", "Compressed-Air Treatment"),
    ProductLineSpec("control", "智能控制与监测", "Controls & Monitoring"),
)

PRODUCT_MODELS: tuple[ProductModelSpec, ...] = (
    ProductModelSpec(
        "water", "HT-RO-500", "反渗透纯水设备 5 m³/h", "RO Purified Water Unit 5 m³/h",
        12, Decimal("186000"), ("water", "pure"),
    ),
    ProductModelSpec(
        "water", "HT-RO-2000", "反渗透纯水设备 20 m³/h", "RO Purified Water Unit 20 m³/h",
        12, Decimal("468000"), ("water",),
    ),
    ProductModelSpec(
        "water", "HT-UF-1000", "超滤装置 10 m³/h", "Ultrafiltration Unit 10 m³/h",
        12, Decimal("152000"), ("water",),
    ),
    ProductModelSpec(
        "water", "HT-EDI-300", "EDI 电除盐装置 3 m³/h", "EDI Electrodeionisation Unit 3 m³/h",
        18, Decimal("238000"), ("pure",),
    ),
    ProductModelSpec(
        "compressor", "HT-SC-75", "螺杆空气压缩机 75 kW", "Screw Air Compressor 75 kW",
        24, Decimal("168000"), ("air",),
    ),
    ProductModelSpec(
        "compressor", "HT-SC-132", "变频螺杆空气压缩机 132 kW", "VSD Screw Air Compressor 132 kW",
        24, Decimal("356000"), ("air",),
    ),
    ProductModelSpec(
        "compressor", "HT-OF-37", "无油螺杆空气压缩机 37 kW", "Oil-free Screw Air Compressor 37 kW",
        18, Decimal("275000"), ("oilfree",),
    ),
    ProductModelSpec(
        "airtreat", "HT-RD-30", "冷冻式干燥机 30 m³/min", "Refrigerated Air Dryer 30 m³/min",
        12, Decimal("42000"), ("air",),
    ),
    ProductModelSpec(
        "airtreat", "HT-AD-20", "微热再生吸附式干燥机 20 m³/min",
        "Heated Desiccant Air Dryer 20 m³/min", 12, Decimal("86000"), ("air", "oilfree"),
    ),
    ProductModelSpec(
        "control", "HT-PLC-01", "智能控制柜", "Intelligent Control Cabinet",
        12, Decimal("65000"),
    ),
    ProductModelSpec(
        "control", "HT-IOT-G1", "远程监控网关", "Remote Monitoring Gateway",
        24, Decimal("9800"),
    ),
)  # fmt: skip
# Output per unit: m³/h of water, or m³/min of free air delivered (for the checklist text).
MODEL_CAPACITY: dict[str, int] = {
    "HT-RO-500": 5,
    "HT-RO-2000": 20,
    "HT-UF-1000": 10,
    "HT-EDI-300": 3,
    "HT-SC-75": 13,
    "HT-SC-132": 23,
    "HT-OF-37": 6,
}
CONTROL_CABINET = "HT-PLC-01"
GATEWAY = "HT-IOT-G1"


# --- Projects and handover texts ------------------------------------------------------------


@dataclass(frozen=True)
class PackageSpec:
    """What a project of one kind is called, what it contains, and what its checklist says.

    ``core`` lists groups of model codes; a project has one unit from each group at least.
    """

    project_names: tuple[str, ...]
    core: tuple[tuple[str, ...], ...]
    process: str
    parameters: str
    suppliers: str


PACKAGES: dict[str, PackageSpec] = {
    "water": PackageSpec(
        project_names=("反渗透纯水系统项目", "超滤+反渗透水处理改造工程", "水处理系统扩容工程"),
        core=(("HT-RO-500", "HT-RO-2000"),),
        process=(
            "工艺流程：原水箱 → 多介质过滤器 → 活性炭过滤器 → 超滤/保安过滤器 → 反渗透 → "
            "纯水箱 → 供水泵。加药系统（阻垢剂、还原剂）随主机配套。"
        ),
        parameters=(
            "设计产水量 {capacity} m³/h；系统回收率 ≥ 75 %；脱盐率 ≥ 98 %；产水电导率 "
            "≤ 10 μS/cm；进水压力 0.2–0.4 MPa；进水 SDI ≤ 4；供电 380 V / 50 Hz。"
        ),
        suppliers=(
            "高压泵：格兰富（Grundfos）CRN 系列；反渗透膜：杜邦 FilmTec BW30-400；超滤膜："
            "海普润 PVDF 中空纤维；PLC：西门子 S7-1200；在线仪表：E+H、梅特勒-托利多；"
            "气动阀门：GF（乔治费歇尔）。"
        ),
    ),
    "pure": PackageSpec(
        project_names=("EDI 超纯水系统项目", "纯化水制备系统项目", "工艺超纯水扩容工程"),
        core=(("HT-RO-500",), ("HT-EDI-300",)),
        process=(
            "工艺流程：原水 → 预处理 → 二级反渗透 → EDI → 抛光混床 → 紫外杀菌 → 0.2 μm "
            "终端过滤 → 用水点循环。系统设计符合 GMP 及 ISPE 指南要求。"
        ),
        parameters=(
            "设计产水量 {capacity} m³/h；产水电阻率 ≥ 15 MΩ·cm；TOC ≤ 50 ppb；微生物 "
            "≤ 10 CFU/100 mL；循环回水温度 ≤ 25 ℃；供电 380 V / 50 Hz。"
        ),
        suppliers=(
            "反渗透膜：杜邦 FilmTec；EDI 模块：Ionpure；抛光树脂：陶氏 Amberjet；卫生级泵："
            "格兰富 CRN-SF；紫外杀菌器：特洁安（Trojan）；TOC 分析仪：Sievers；"
            "PLC：西门子 S7-1500。"
        ),
    ),
    "air": PackageSpec(
        project_names=("空压站节能改造项目", "压缩空气系统扩容工程", "集中供气系统项目"),
        core=(("HT-SC-75", "HT-SC-132"), ("HT-RD-30", "HT-AD-20")),
        process=(
            "系统组成：螺杆空压机 → 储气罐 → 前置过滤器 → 冷冻式/吸附式干燥机 → 精密过滤器 "
            "→ 主管网。空压机群控，按管网压力自动加卸载。"
        ),
        parameters=(
            "总排气量 {capacity} m³/min；额定排气压力 0.8 MPa；压力露点 2–10 ℃（冷干）/ "
            "−40 ℃（吸干）；出口含油量 ≤ 0.01 mg/m³；比功率 ≤ 6.2 kW/(m³/min)；"
            "供电 380 V / 50 Hz。"
        ),
        suppliers=(
            "主机轴承：SKF；电机：西门子贝得（IE3）；变频器：ABB ACS580；冷干机制冷压缩机："
            "谷轮（Copeland）；精密过滤器：汉克森（Hankison）；储气罐：无锡市压力容器厂（国产）。"
        ),
    ),
    "oilfree": PackageSpec(
        project_names=("无油压缩空气系统项目", "洁净压缩空气改造工程"),
        core=(("HT-OF-37",), ("HT-AD-20",)),
        process=(
            "系统组成：无油螺杆空压机 → 储气罐 → 微热再生吸附式干燥机 → 除尘过滤器 → 无菌"
            "过滤器 → 洁净车间用气点。全系统通过 ISO 8573-1 Class 0 无油认证。"
        ),
        parameters=(
            "总排气量 {capacity} m³/min；额定排气压力 0.75 MPa；压力露点 ≤ −40 ℃；出口颗粒 "
            "≤ 0.01 μm；含油量 0（Class 0）；供电 380 V / 50 Hz。"
        ),
        suppliers=(
            "无油主机：自产水润滑双螺杆主机；电机：卧龙电驱（IE4）；吸附剂：巴斯夫活性氧化铝；"
            "露点仪：维萨拉（Vaisala）；无菌过滤器：颇尔（Pall）。"
        ),
    ),
}

OPEN_ISSUE_TEMPLATES: tuple[str, ...] = (
    "1# 机组冷却风扇运行噪声偏大，已订购备件，计划 {date} 前更换。责任人：{pm}。",
    "用户提出增加远程报警短信推送功能，技术部评估中，{date} 前答复用户。责任人：{pm}。",
    "部分管道保温未完成（属用户施工范围），已书面告知用户，不影响设备运行。",
    "首次化学清洗/保养安排在运行三个月后，届时由售后服务部上门指导，计划 {date}。",
    "操作人员培训已完成第一期，第二期培训安排在 {date}。责任人：{pm}。",
    "备品备件清单中 2 件滤芯延期到货，预计 {date} 前补发。责任人：采购部。",
)
NO_OPEN_ISSUES = "无遗留问题。设备已稳定运行，用户对交付质量无异议。"
DRAWINGS_NOT_APPLICABLE = (
    "单机设备供货，无现场工程图纸；随机资料（使用说明书、电气原理图、合格证）已随货交付。"
)
WITHDRAW_REASON = "竣工图版本与现场管线走向不一致，待技术部更新后重新确认。"

CONFIRMATION_COMMENTS: dict[str, tuple[str, ...]] = {
    "customer": (
        "设备运行正常，资料齐全，同意交接。",
        "经现场验收，设备性能满足合同要求，同意交接。",
        "已收到全部技术资料，同意交接，遗留问题请按计划处理。",
    ),
    "project_team": (
        "项目资料已全部移交售后服务部。",
        "调试记录、验收报告已归档，同意交接。",
    ),
    "after_sales": (
        "已接收项目资料并建立设备台账。",
        "资料核对无误，设备纳入售后服务范围。",
    ),
}
