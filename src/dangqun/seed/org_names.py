"""The names of the generated enterprise's organisations: the group, its regions and industries,
departments, centres and teams, numbered when a list runs out."""

GROUP_NAME = "华辰集团有限公司"
GROUP_SHORT = "华辰集团"
REGIONS = ["华东", "华南", "华北", "华中", "西南", "西北", "东北", "北方", "南方", "海外", "沿海", "中原"]  # fmt: skip
INDUSTRIES = ["能源", "建设", "物流", "科技", "装备", "材料", "电力", "化工", "置业", "环保", "供应链", "信息"]  # fmt: skip
HQ_DEPARTMENTS = [
    "办公室", "党委组织部", "党委宣传部", "纪委办公室", "人力资源部", "财务部", "战略发展部",
    "审计部", "法律合规部", "科技创新部", "安全生产部", "运营管理部",
]  # fmt: skip
FUNCTIONAL = [
    "综合办公室", "人力资源部", "财务资产部", "安全环保部", "生产技术部", "市场营销部",
    "物资采购部", "企业管理部", "党群工作部", "纪检监察室", "工程管理部", "信息中心",
]  # fmt: skip
CENTERS = [
    "生产运营中心", "检修维护中心", "工程建设中心", "物流配送中心", "研发中心", "客户服务中心",
    "设备管理中心", "质量检测中心", "调度指挥中心", "仓储中心", "动力中心", "技术服务中心",
]  # fmt: skip
TEAMS = [
    "运行一班", "运行二班", "运行三班", "运行四班", "检修班", "电气班", "仪表班", "机械班",
    "化验班", "调度室", "技术组", "安全组", "综合组", "维修班", "巡检班",
]  # fmt: skip
ORDINALS = "一二三四五六七八九十"


def numbered(names: list[str], count: int) -> list[str]:
    """``count`` distinct names; when the list runs out, numbered variants follow (第二…)."""
    result = list(names[:count])
    round_ = 2
    while len(result) < count:
        for name in names:
            if len(result) == count:
                break
            result.append(f"第{ORDINALS[round_ - 1]}{name}")
        round_ += 1
    return result
