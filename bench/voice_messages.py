"""Realistic 12345-style citizen messages in 7 categories, generated offline for measuring the
category model (no data set is downloaded; nothing of this is in the app).

What makes them hard, as real hotline archives are: most have no title; bodies run from one line to
thousands of characters with greetings (尊敬的领导), who the writer is, where, how long it has
lasted, whom they already asked and a plea at the end — words every category shares; categories
overlap in vocabulary (施工 is construction and noise, 工资 on a building site is labour, 医保 is
labour and health, 学校门口 is traffic and education, 食品 is trade and health); a share of
messages raise a second matter of another category; and a share are filed under a wrong category
(``noise``), as clerks do. ``messages(n, seed)`` → list of (title, body, category).
"""

from __future__ import annotations

import random

CATEGORIES = {
    "城乡建设": [
        "{estate}的开发商至今没有办理房产证，业主多次催促都说在办",
        "{estate}交房已经延期{months}个月，开发商一直找各种理由拖着",
        "{estate}的物业公司服务很差，收费却年年上涨，电梯坏了一个月没人修",
        "小区电梯经常困人，物业说维修资金申请不下来",
        "{estate}楼下有人私搭乱建，违章建筑占用了消防通道",
        "我们村的拆迁安置房建了{years}年还没有交付，补偿款也没有到位",
        "老旧小区改造工程拖了很久，楼道墙皮脱落，下水管道经常堵塞",
        "冬天供暖温度不达标，室内只有十几度，热力公司说管网老化",
        "小区自来水水压太低，高层住户经常停水，水质也发黄",
        "燃气管道改造施工后一直没有恢复通气，居民无法做饭",
        "{road}道路施工挖开后迟迟不回填，路面坑洼不平",
        "公租房申请已经排了{years}年还没轮到，审核标准不公开",
        "开发商承诺的配套幼儿园和会所至今没有建设，规划被擅自变更",
        "房屋墙体出现裂缝，漏水严重，开发商推脱说过了保修期",
        "小区停车位只售不租，价格高得离谱，业主无处停车",
        "商品房买卖合同约定的面积与实测面积相差很大",
        "建筑工地围挡倒塌，渣土堆在路边无人清运",
        "物业擅自把小区公共绿地改成停车位收费",
    ],
    "环境保护": [
        "{factory}每天晚上偷偷排放废气，气味刺鼻，居民不敢开窗",
        "{road}附近的工地夜间施工噪音扰民，凌晨两三点还在打桩",
        "楼下{shop}的油烟直接排到居民楼里，油烟味呛人",
        "{river}被附近企业排放的污水污染，河水发黑发臭，鱼都死了",
        "{estate}旁边的垃圾中转站臭气熏天，夏天蚊蝇成群",
        "养殖场的粪便随意堆放，臭味飘到几公里外的村里",
        "{factory}的烟囱冒黑烟，周边车辆和衣服上落满粉尘",
        "搅拌站粉尘污染严重，周边农田庄稼都被灰覆盖了",
        "广场舞音响声音太大，晚上十点以后还在放，影响休息",
        "有人在村边焚烧秸秆和垃圾，浓烟滚滚",
        "{factory}把工业固废倾倒在山沟里，雨后渗到地下水",
        "KTV和酒吧的噪声超标，环保部门来测过也没有处理",
        "附近化工厂经常半夜排放刺激性气体，多名居民出现咳嗽头晕",
        "小区旁的变电站噪音和电磁辐射让居民担心健康",
        "河道两侧堆满建筑垃圾和生活垃圾，没人清理",
        "洗车店污水直接排入雨水管网",
    ],
    "交通运输": [
        "{bus}路公交车发车间隔太长，早高峰等半个小时都等不到",
        "{bus}路公交车司机开车太猛，急刹车导致乘客摔倒",
        "建议在{estate}附近增设公交站点，居民出行很不方便",
        "出租车司机拒载、绕路、不打表，投诉电话打不通",
        "{road}和{road2}路口的红绿灯时间设置不合理，经常堵车",
        "学校门口上下学时段交通拥堵，接送车辆乱停乱放",
        "网约车平台随意加价，司机临时取消订单",
        "{road}上大货车超载超速，路面被压坏，存在安全隐患",
        "高速公路收费站排队太长，ETC车道经常故障",
        "驾驶证换证要跑好几个地方，网上办理系统总是出错",
        "电动车上牌难，登记点太少，排队要一整天",
        "长途客运站取消了到我们镇的班线，群众出行困难",
        "共享单车乱停乱放，堵塞人行道和盲道",
        "道路限速标志设置混乱，一段路上限速变了好几次，很多人被罚",
        "地铁{bus}号线早高峰太挤，建议加密班次",
        "乡村公路年久失修，坑坑洼洼，下雨天无法通行",
        "违章停车罚单不合理，当时没有任何禁停标志",
    ],
    "教育文体": [
        "{school}今年的学区划分不合理，我们小区离学校很近却被划到很远的学校",
        "{school}巧立名目乱收费，收取资料费、补课费、校服费",
        "孩子入学要求提供的证明太多，外地户籍子女入学太难",
        "{school}老师在校外办补习班，暗示学生去参加",
        "幼儿园收费太高，普惠性幼儿园名额太少",
        "{school}的学生营养餐质量差，分量少，孩子吃不饱",
        "学校作业太多，孩子每天写到晚上十一点，减负没有落实",
        "校外培训机构突然关门，预交的学费退不回来",
        "{school}教学楼年久失修，存在安全隐患",
        "公办学校的教师工资绩效长期没有发放",
        "乡村学校撤并后孩子上学要走很远的路",
        "社区的体育场馆长期关闭，健身器材损坏无人维修",
        "图书馆开放时间太短，周末和晚上都不开门",
        "中考体育考试评分标准不公平",
        "民办学校招生违规提前掐尖，考试选拔学生",
        "学校强制学生购买指定的教辅资料",
        "高校毕业生的档案和派遣手续办理流程不清楚",
    ],
    "劳动和社会保障": [
        "我在{company}工作，公司拖欠工资{months}个月，老板一直不见人",
        "我们在{estate}工地干活的农民工工资被包工头拖欠，快过年了还没拿到",
        "{company}不给员工缴纳社保，入职时也不签劳动合同",
        "退休后养老金计算有误，比同样工龄的同事少很多",
        "医保异地报销手续太复杂，垫付的医药费迟迟报不了",
        "{company}违法辞退员工，不支付经济补偿",
        "工伤认定拖了半年还没有结果，单位不配合",
        "失业保险金申领条件不清楚，窗口工作人员推来推去",
        "公积金提取审核太严，租房提取被拒绝",
        "单位强制加班不给加班费，每天工作十二个小时",
        "灵活就业人员缴纳社保的基数太高，负担不起",
        "企业退休人员的养老金调整太少，跟不上物价",
        "劳动仲裁立案难，排期要等好几个月",
        "{company}试用期满不给转正，随意延长试用期",
        "被征地农民的养老保险没有落实",
        "用人单位扣押员工身份证和毕业证",
        "残疾人就业补贴没有发到个人手里",
    ],
    "商贸旅游": [
        "在{shop}办的预付卡，店铺突然关门跑路，卡里还有几千元",
        "{scenic}景区门票价格太高，还要另外收取观光车费",
        "跟团旅游导游强制购物，不买就甩脸色",
        "{market}的商贩缺斤少两，还卖过期食品",
        "网购的商品质量有问题，商家拒绝退货退款",
        "{shop}虚假宣传，打折前先提价",
        "快递经常被放到快递柜不通知，还收取超时费",
        "酒店预订后临时涨价，不涨就不给入住",
        "{market}改造后摊位费大幅上涨，商户经营困难",
        "超市销售的蔬菜农药残留超标",
        "{scenic}景区节假日人太多，不限流，安全隐患大",
        "二手车交易市场欺诈消费者，隐瞒事故车",
        "健身房办卡后老板失联，会员维权无门",
        "加油站加油数量不足，怀疑加油机做了手脚",
        "农家乐没有营业执照，卫生条件很差",
        "电商平台大数据杀熟，老用户价格更贵",
        "商场停车收费标准不公示，乱收费",
    ],
    "卫生计生": [
        "{hospital}看病排队时间太长，挂号难，专家号被黄牛倒卖",
        "{hospital}的医生态度恶劣，不听病人说完就开药",
        "{hospital}过度检查、乱收费，一个感冒做了好几项检查",
        "社区卫生服务中心药品种类太少，常用药经常缺货",
        "孩子打疫苗要排很长的队，预约系统经常崩溃",
        "办理生育登记需要的材料太多，来回跑了好几趟",
        "独生子女父母奖励费一直没有发放",
        "{hospital}医保报销比例和说好的不一样，自付部分太多",
        "黑诊所无证行医，使用过期药品",
        "医院附近的药店药品价格比医院贵很多",
        "{hospital}手术后出现并发症，院方推卸责任",
        "乡镇卫生院的医疗设备老旧，很多检查做不了",
        "二孩三孩生育津贴申领流程不清楚",
        "医院停车位太少，看病的人车停不下",
        "餐馆后厨卫生脏乱差，吃完后全家腹泻",
        "120急救车来得太慢，耽误了抢救",
        "计划生育特别扶助金被取消，家里生活困难",
    ],
}

# The parts every message shares, whatever its category
GREETINGS = ["", "", "尊敬的领导：您好！", "尊敬的市长您好！", "领导好，", "您好！", "尊敬的书记：",
             "市长信箱您好，", "各位领导你们好！", "我要反映一个问题。"]  # fmt: skip
WHO = ["", "", "我是{estate}的业主，", "我是{district}的一名居民，", "本人是外地来{city}务工人员，",
       "我是一名普通市民，", "我是{district}{village}村的村民，", "我是一位退休老人，",
       "我是一名学生家长，", "我们是{estate}的全体业主，"]  # fmt: skip
SINCE = ["", "这个问题已经存在很久了，", "从去年开始，", "这种情况持续了{months}个月，",
         "最近一段时间，", "自从{year}年以来，"]  # fmt: skip
TRIED = ["", "", "我们多次向社区、街道反映，一直没有结果。", "打过好几次电话，都说会处理，但至今没有动静。",
         "之前在网上留言过，也没有回复。", "相关部门互相推诿，谁都不管。",
         "也找过有关部门，答复说不归他们管。"]  # fmt: skip
FILLER = ["群众对此意见很大。", "严重影响了我们的正常生活。", "大家都很着急。", "希望政府能够为老百姓做主。",
          "这样下去不是办法。", "我们也理解政府工作的难处，但这个问题确实影响很大。",
          "请问这种情况合法吗？", "身边很多人都有同样的遭遇。", "老百姓真的很无奈。",
          "作为一名普通群众，我们只能求助政府。", "已经严重影响到了家里老人和孩子。",
          "网上也有很多人在讨论这件事。"]  # fmt: skip
PLEAS = ["恳请领导重视，尽快解决！", "望有关部门尽快调查处理，谢谢！", "希望相关部门给个说法。",
         "请领导关注一下，谢谢！", "盼复！", "希望能够得到妥善解决，谢谢领导！", "", "请尽快给予答复。"]  # fmt: skip
TITLES = [
    "关于{topic}的问题",
    "{topic}",
    "反映{topic}",
    "投诉{topic}",
    "{place}{topic}",
    "咨询{topic}",
]

SLOTS = {
    "estate": ["幸福花园", "阳光小区", "锦绣华庭", "金色家园", "翠湖湾", "城南新村", "御景苑", "滨江一号",
               "和平里小区", "东方明珠苑", "碧桂园", "万科城"],
    "district": ["城南区", "高新区", "经开区", "东城区", "西湖区", "新城区", "江北区", "临港新区"],
    "village": ["王家", "李庄", "张湾", "马坡", "陈家", "刘屯"],
    "city": ["本市", "我市", "省城"],
    "road": ["人民路", "解放大道", "建设路", "中山路", "滨河路", "长江路", "学府路", "工业大道"],
    "road2": ["文化路", "北京路", "环城路", "东风路", "和平路"],
    "factory": ["某化工厂", "附近的钢厂", "一家塑料厂", "园区里的印染厂", "某水泥厂", "某橡胶厂"],
    "shop": ["一家烧烤店", "某美容店", "某饭店", "一家火锅店", "某理发店", "某健身房"],
    "river": ["护城河", "村里的小河", "西河", "东湖", "清水河"],
    "bus": ["12", "3", "105", "K8", "26", "2", "7"],
    "school": ["实验小学", "第一中学", "城南中学", "育才小学", "第三幼儿园", "外国语学校"],
    "company": ["某建筑公司", "某物流公司", "某电子厂", "某餐饮公司", "某科技公司", "某服装厂"],
    "scenic": ["古镇", "森林公园", "温泉", "湿地公园", "古城"],
    "market": ["农贸市场", "菜市场", "批发市场", "夜市"],
    "hospital": ["市人民医院", "中医院", "妇幼保健院", "第二医院", "县医院"],
    "months": ["三", "五", "八", "十", "六"],
    "years": ["两", "三", "五", "七"],
    "year": ["2015", "2017", "2018", "2019"],
}  # fmt: skip


def _fill(template: str, rnd: random.Random) -> str:
    return template.format(**{key: rnd.choice(values) for key, values in SLOTS.items()})


def _vary(sentence: str, rnd: random.Random) -> str:
    """Small rewordings a person makes: spoken particles, a cut clause, a different ending."""
    parts = sentence.split("，")
    if len(parts) > 2 and rnd.random() < 0.3:
        parts.pop(rnd.randrange(1, len(parts)))
    if rnd.random() < 0.2:
        parts[0] = rnd.choice(["现在", "目前", "听说", "发现", "据了解"]) + parts[0]
    ending = rnd.choice(["。", "。", "！", "，实在让人气愤。", "，不知道该找谁。", "？"])
    return "，".join(parts) + ending


def message(category: str, rnd: random.Random, others: list[str]) -> tuple[str, str]:
    """One message (title, body) about ``category``."""
    core = rnd.sample(CATEGORIES[category], k=rnd.choice([1, 1, 2, 2, 3]))
    sentences = [_vary(_fill(s, rnd), rnd) for s in core]
    if rnd.random() < 0.15:  # a second matter, of another category
        other = rnd.choice(others)
        sentences.insert(
            rnd.randrange(len(sentences) + 1), _vary(_fill(rnd.choice(CATEGORIES[other]), rnd), rnd)
        )
    filler = [_fill(rnd.choice(FILLER), rnd) for _ in range(rnd.choice([0, 1, 2, 3, 4, 6, 10, 20]))]
    body = (
        _fill(rnd.choice(GREETINGS), rnd)
        + _fill(rnd.choice(WHO), rnd)
        + _fill(rnd.choice(SINCE), rnd)
        + "".join(sentences)
        + _fill(rnd.choice(TRIED), rnd)
        + "".join(filler)
        + rnd.choice(PLEAS)
    )
    if rnd.random() < 0.05:  # a long complaint: the same story told again in detail
        body += "具体情况如下：" + "".join(sentences) * rnd.randint(5, 30) + "".join(filler) * 3
    title = ""
    if rnd.random() < 0.24:  # 76 % of a real archive's rows had no title
        topic = _fill(core[0], rnd).split("，")[0][:14]
        place = rnd.choice(SLOTS["district"])
        title = rnd.choice(TITLES).format(topic=topic, place=place)
    return title, body


def messages(n: int, seed: int = 0, noise: float = 0.05, truth: bool = False) -> list[tuple]:
    """``n`` messages (title, body, category), the categories in the proportions of a real
    archive (uneven), ``noise`` of them filed under a random other category; with ``truth``,
    each also carries the category it is really about."""
    rnd = random.Random(seed)
    names = list(CATEGORIES)
    weights = [0.26, 0.14, 0.09, 0.2, 0.16, 0.1, 0.05][: len(names)]
    out = []
    for _ in range(n):
        category = rnd.choices(names, weights)[0]
        others = [c for c in names if c != category]
        title, body = message(category, rnd, others)
        label = rnd.choice(others) if rnd.random() < noise else category
        out.append((title, body, label, category) if truth else (title, body, label))
    return out


if __name__ == "__main__":
    for title, body, label in messages(5, seed=1):
        print(label, "|", title, "|", body[:300], len(body))
