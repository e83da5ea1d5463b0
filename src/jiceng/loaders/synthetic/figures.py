"""The synthetic city's figures and names: the article's totals for Guiyang, its real districts
and streets, and the characters and words the generator's names are drawn from.

These are data, not steps: the generator reads them (:mod:`jiceng.loaders.synthetic.places`,
:mod:`jiceng.loaders.synthetic.co_building`), and changing any of them changes the dataset a
seed gives.
"""

from __future__ import annotations

__all__ = ["GUIYANG_TOTALS", "DISTRICTS", "PLACE_FIRST", "PLACE_LAST", "SURNAMES", "GIVEN_NAMES",
           "UNIT_TYPES", "UNIT_ORGS", "PART_TIME_ROLES", "DUAL_ROLES", "PAIRING_CONTENTS",
           "CADRE_TITLES"]

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
# A unit is its street and a type ({n}: a number); its Party organization adds one of these.
UNIT_TYPES = ["人民医院", "第{n}中学", "税务局", "供电局", "自来水公司", "农村商业银行支行",
              "邮政分公司", "市场监督管理局", "交警大队", "消防救援站", "烟草专卖局",
              "职业技术学院", "科技有限公司", "建设集团有限公司", "社区卫生服务中心",
              "第{n}小学", "移动分公司", "公安分局", "人力资源和社会保障局", "检察院"]
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

