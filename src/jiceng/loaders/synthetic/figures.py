"""The synthetic city's figures and names: the article's totals for Guiyang, its real districts
and streets, and the characters and words the generator's names are drawn from.

These are data, not steps: the generator reads them (:mod:`jiceng.loaders.synthetic.places`,
:mod:`jiceng.loaders.synthetic.co_building`), and changing any of them changes the dataset a
seed gives.
"""

from __future__ import annotations

__all__ = ["GUIYANG_TOTALS", "DISTRICTS", "PLACE_FIRST", "PLACE_LAST", "SURNAMES", "GIVEN_NAMES",
           "DIVISION_CODES", "UNIT_KINDS", "SOCIAL_ORG_KINDS", "UNIT_ORGS", "PART_TIME_ROLES",
           "DUAL_ROLES", "PAIRING_CONTENTS", "CADRE_TITLES"]

#: The article's figures for Guiyang (scale 1).
GUIYANG_TOTALS = {
    "street_committee": 74,
    "community_party": 709,
    "unit_party": 1558,
    "part_time_street": 356,
    "part_time_community": 2245,
    "property_company": 525,
    "property_party": 273,
    "owners_party": 24,
    "red_station": 150,
    "driver_home": 18,
    "workers": 8011,
    "reported_members_at_least": 60000,
}

# Guiyang's districts and counties (and Gui'an) with how many of the 74 streets each holds.
DISTRICTS = [
    ("云岩区", 16, ["中华北路", "普陀路", "延安中路", "黔东", "威清", "头桥", "三桥", "渔安", "贵乌",
                    "市西路", "金关", "东山", "中环", "北京路", "宅吉", "黔灵东路"]),
    ("南明区", 14, ["油榨", "中曹司", "兴关路", "二戈寨", "太慈桥", "遵义路", "新华路", "花果园",
                    "河滨", "沙冲路", "西湖路", "湘雅", "望城", "龙洞堡"]),
    ("观山湖区", 9, ["金阳", "观山", "世纪城", "宾阳", "长岭", "金华园", "会展", "朱昌", "百花湖"]),
    ("白云区", 7, ["大山洞", "艳山红", "大营路", "泉湖", "都拉", "沙文", "麦架"]),
    ("花溪区", 8, ["贵筑", "清溪", "溪北", "黔江", "阳光", "平桥", "小孟", "明珠"]),
    ("乌当区", 6, ["新天", "高新", "水田", "东风", "新添", "顺新"]),
    ("清镇市", 4, ["红枫湖", "巢凤", "百花", "青龙"]),
    ("修文县", 3, ["龙场", "阳明", "景阳"]),
    ("息烽县", 2, ["永靖", "新华"]),
    ("开阳县", 2, ["云开", "紫兴"]),
    ("贵安新区", 3, ["湖潮", "马场", "党武"]),
]

# A place word is one or two of the first characters and one of the last: 金碧苑, 湖城.
PLACE_FIRST = list("金碧海兴和平安康华新园林湖山花溪阳明宝福瑞祥丰乐泉松柏桂翠春锦荷枫云龙凤")
PLACE_LAST = list("苑城庭湾府景苑岭坡湖园源坊居港苑桥塘坪")
# A person is a surname and one or two given characters.
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林龙潘杜")
GIVEN_NAMES = list("建国华明丽敏伟芳军勇静强磊洋艳杰娟涛斌超霞平刚桂兰")
# Each district's division code (GB/T 2260; Gui'an's that of its registrations, 520900).
DIVISION_CODES = {"云岩区": "520103", "南明区": "520102", "观山湖区": "520115", "白云区": "520113",
                  "花溪区": "520111", "乌当区": "520112", "清镇市": "520181", "修文县": "520123",
                  "息烽县": "520122", "开阳县": "520121", "贵安新区": "520900"}
# A unit's kind: the names it may take, the first one free in the city winning ({s} its street,
# {c} its community, {d} its district, {w} a new place word, {n} an ordinal: see
# jiceng.loaders.synthetic.names.expand), and the first two characters of its unified social
# credit code (11 机关, 12 事业单位, 91 企业), and how common it is (firms and schools more than
# fire stations). A district has one tax bureau; its other units of that kind are the bureau's
# offices in streets and communities.
UNIT_KINDS = [
    (("{s}医院", "{c}医院", "{d}第{n}人民医院"), "12", 4),
    (("{d}第{n}中学",), "12", 5),
    (("{d}税务局", "{d}税务局{s}税务所", "{d}税务局{c}税务所", "{d}税务局第{n}税务所"), "11", 2),
    (("{d}供电局", "{d}供电局{s}供电所", "{d}供电局{c}供电所", "{d}供电局第{n}供电所"), "91", 2),
    (("{d}自来水公司", "{d}自来水公司{s}营业所", "{d}自来水公司{c}营业所",
      "{d}自来水公司第{n}营业所"), "91", 2),
    (("贵阳农村商业银行{s}支行", "贵阳农村商业银行{c}支行", "贵阳农村商业银行{s}第{n}支行"), "91", 8),
    (("{d}邮政分公司", "{d}邮政分公司{s}支局", "{d}邮政分公司{c}支局", "{d}邮政分公司第{n}支局"),
     "91", 3),
    (("{d}市场监督管理局", "{d}市场监督管理局{s}市场监管所", "{d}市场监督管理局{c}市场监管所",
      "{d}市场监督管理局第{n}市场监管所"), "11", 2),
    (("{d}交警大队", "{d}交警大队{s}中队", "{d}交警大队{c}中队", "{d}交警大队第{n}中队"), "11", 2),
    (("{s}消防救援站", "{c}消防救援站", "{s}第{n}消防救援站"), "11", 2),
    (("{d}烟草专卖局", "{d}烟草专卖局{s}专卖管理所", "{d}烟草专卖局{c}专卖管理所",
      "{d}烟草专卖局第{n}专卖管理所"), "11", 1),
    (("贵阳{s}职业技术学院", "贵州{w}职业技术学院", "贵阳{s}第{n}职业技术学校"), "12", 2),
    (("贵州{w}科技有限公司", "贵州{c}科技有限公司{s}第{n}分公司"), "91", 20),
    (("贵州{w}建设集团有限公司", "贵州{c}建设集团有限公司{s}第{n}分公司"), "91", 10),
    (("{s}街道社区卫生服务中心", "{s}街道{c}社区卫生服务站", "{s}街道第{n}社区卫生服务站"), "12", 6),
    (("{s}小学", "{c}小学", "{d}第{n}小学"), "12", 8),
    (("中国移动{d}分公司", "中国移动{d}分公司{s}营业部", "中国移动{d}分公司{c}营业部",
      "中国移动{d}分公司第{n}营业部"), "91", 4),
    (("{d}公安分局", "{d}公安分局{s}派出所", "{d}公安分局{c}派出所", "{d}公安分局第{n}派出所"), "11", 4),
    (("{d}人力资源和社会保障局", "{s}街道就业和社会保障服务中心", "{s}街道{c}社区就业服务站",
      "{s}街道第{n}就业服务站"), "11", 2),
    (("{d}人民检察院", "{d}人民检察院{s}检察室", "{d}人民检察院{c}检察室", "{d}人民检察院第{n}检察室"),
     "11", 1),
]
# A social organization's kind, its names (as a unit's) and its code's first two characters
# (51 社会团体, 52 社会服务机构). The order is the kinds' codes in the generator's draws.
SOCIAL_ORG_KINDS = [
    (("{c}社区社会工作服务中心", "{c}社区{w}社会工作服务中心", "{c}社区第{n}社会工作服务中心"), "52"),
    (("{c}社区志愿者协会", "{w}小区志愿者协会", "{c}社区第{n}志愿者协会"), "51"),
    (("{c}社区邻里互助会", "{w}小区邻里互助会", "{c}社区第{n}邻里互助会"), "51"),
    (("{c}社区老年协会", "{w}小区老年协会", "{c}社区第{n}老年协会"), "51"),
]
UNIT_ORGS = ["党委", "党总支", "党支部"]
PART_TIME_ROLES = ["兼职委员"]
DUAL_ROLES = {
    "residents_committee": "社区党组织书记兼居委会主任",
    "owners_committee": "社区党组织委员任业委会成员",
    "property_company": "社区党组织委员任物业公司质量监督员",
}
PAIRING_CONTENTS = ["组织共建", "实事联办", "难题联解"]
CADRE_TITLES = ["街道党工委书记", "街道党工委副书记", "街道办事处主任", "街道党工委委员",
                "街道办事处副主任", "街道武装部部长"]

