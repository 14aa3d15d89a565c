"""What the entrustment flow says: questions, buttons, the summary, the answers after filing."""
from __future__ import annotations

from core.messages import Button, Reply
from core.services.left_behind import CONCERNS

INTRO = ("按照规定，父母外出务工前要把务工地点、联系方式和委托照顾孩子的人告诉村委会和学校。"
         "我来帮您登记，只需几句话。")
YES_NO = (Button("是", "yes"), Button("不是", "no"))
RELATION_BUTTONS = tuple(Button(r, f"rel:{r}") for r in ("爷爷", "奶奶", "外公", "外婆", "其他亲戚", "没有人照顾"))
OTHER_PARENT = {"away": "也在外地打工", "unable": "在家，但照顾不了孩子", "home": "在家照顾孩子",
                "none": "单亲、去世或联系不上", "unknown": "不清楚"}
HEALTH = {"good": "身体好", "ill": "有病", "disabled": "残疾或行动不便"}
CONFIRM_BUTTONS = (Button("确认登记", "entrust:yes"), Button("修改", "entrust:edit"), Button("取消", "/cancel"))
UPDATE_BUTTONS = (Button("确认修改", "entrust:yes"), Button("取消", "/cancel"))


def question(slot: str, kid: dict | None, slots: dict, update: bool = False) -> Reply:
    who = kid["name"] if kid else "孩子"
    relation = slots["guardian"].get("relation") or "照顾孩子的人"
    other = {"father": "孩子妈妈", "mother": "孩子爸爸"}.get(slots["parent"].get("role"), "孩子的另一位家长")
    home = slots["home"]
    texts = {
        "children": Reply("孩子叫什么名字、几岁、在哪上学？有几个孩子都一起说，"
                          "例如：王小雨 10岁 红星镇中心小学四年级；王小雷 7岁"),
        "home": Reply("孩子家在哪个乡镇、哪个村？例如：红星镇东风村"),
        "child.age": Reply(f"{who}是哪年哪月出生的？例如：2015年3月生。记不清就说几岁，例如：10岁"),
        "child.gender": Reply(f"{who}是男孩还是女孩？", (Button("男孩", "男孩"), Button("女孩", "女孩"))),
        "child.school": Reply(f"{who}在哪个学校、几年级？例如：红星镇中心小学三年级。没上学就回复“没上学”",
                              (Button("没上学", "没上学"),)),
        "parent.role": Reply("您是孩子的爸爸还是妈妈？", (Button("爸爸", "我是爸爸"), Button("妈妈", "我是妈妈"),
                                                        Button("其他家人", "role:parent"))),
        "parent.name": Reply("请问您的姓名？例如：我叫王建国" if slots["parent"].get("phone") else
                             "请问您的姓名和手机号？例如：王建国 13800001234"),
        "parent.phone": Reply("您的新手机号码是多少？例如：13800001234" if update else
                              "您的手机号是多少？村委会和学校有事能找到您。例如：13800001234"
                              if slots["parent"].get("name") else
                              "请问您的姓名和手机号？村委会和学校有事能找到您。例如：王建国 13800001234"),
        "parent.city": Reply("您在哪个城市打工？例如：浙江宁波、东莞，在国外就说国家和城市"),
        "parent.city_in": Reply(f"您在{slots['parent'].get('province') or slots['parent'].get('country')}"
                                "哪个城市打工？"),
        "parent.left_on": Reply("您是什么时候出去的？打算什么时候回来？例如：今年3月出来的，过年回去",
                                (Button("不记得了", "left:unknown"),)),
        "other_parent": Reply(f"{other}现在是什么情况？",
                              tuple(Button(t, f"other:{c}") for c, t in OTHER_PARENT.items())),
        "guardian.name": Reply("孩子现在由谁照顾？请说关系和姓名，能说的都一起说，"
                               "例如：奶奶 李桂兰 13900001234 65岁 身体好 和孩子住一起"
                               if not slots["guardian"].get("relation") else
                               f"照顾孩子的{relation}叫什么名字？能说的都一起说，"
                               f"例如：{relation} 李春华 60岁 身体好 13900001234",
                               () if slots["guardian"].get("relation") else RELATION_BUTTONS),
        "guardian.relation": Reply(f"照顾孩子的{slots['guardian'].get('name')}是孩子的什么人？", RELATION_BUTTONS[:5]),
        "guardian.phone": Reply(f"{relation}的电话是多少？例如：13900001234（座机请带区号）"),
        "guardian.age": Reply(f"{relation}今年多大年纪？例如：65岁"),
        "guardian.health": Reply(f"{relation}身体怎么样，能照顾孩子吗？",
                                 (Button("身体好，能照顾", "身体好"), Button("有病或行动不便", "有病"))),
        "guardian.lives_with": Reply(f"{relation}和孩子住在一起吗？", YES_NO),
        "home.recheck": Reply(f"孩子现在还住在{home.get('township') or ''}{home.get('village') or ''}吗？"
                              "搬了家请说搬到了哪个村", (Button("是，没搬", "是"),)),
    }
    return texts[slot]


def _where(parent: dict) -> str:
    parts = [parent.get("country"), parent.get("province"), parent.get("city")]
    return "".join(x for x in parts if x) or "未说"


def _guardian(g: dict, other_parent: str | None = None) -> str:
    if g.get("none"):
        return "不清楚由谁照顾" if g.get("unknown") else "没有人照顾"
    if not g.get("name") and other_parent == "home":
        return "另一位家长在家照顾"
    facts = [f"{g.get('relation') or ''} {g.get('name') or ''}".strip(),
             f"电话 {g['phone']}" if g.get("phone") else "没有电话"]
    if g.get("age"):
        facts.append(f"{g['age']}岁")
    if g.get("health"):
        facts.append(HEALTH.get(g["health"], g["health"]))
    if g.get("lives_with") is not None:
        facts.append("和孩子住在一起" if g["lives_with"] else "不和孩子住在一起")
    return "，".join(facts)


def _kid(kid: dict) -> str:
    gender = {"male": "男孩", "female": "女孩"}.get(kid.get("gender"), "")
    school = f"{kid.get('school') or ''}{kid.get('school_class') or ''}"
    born = f"{kid['birth'][:4]}年{int(kid['birth'][5:7])}月生，" if kid.get("birth") else ""
    return f"{kid['name']}，{gender}{born}{kid.get('age')}岁" + (f"，{school}" if school else "")


def _workplace(parent: dict) -> str:
    return f"工作单位：{parent.get('employer') or parent.get('work_address') or '未说'}"


def summary_text(slots: dict) -> str:
    parent, home = slots["parent"], slots["home"]
    role = {"father": "爸爸", "mother": "妈妈"}.get(parent.get("role"), "家长")
    lines = ["孩子：" + "；".join(_kid(k) for k in slots["children"]),
             f"家住：{home.get('township')}{home.get('village') or ''}",
             f"{role}：{parent['name'] + '，' if parent.get('name') else ''}电话 {parent.get('phone')}，"
             f"在{_where(parent)}打工"
             + (f"，{parent['left_on'][:4]}年{int(parent['left_on'][5:7])}月外出" if parent.get("left_on") else "")
             + (f"，打算{parent['return_plan']}回来" if parent.get("return_plan") else ""),
             _workplace(parent),
             f"另一位家长：{OTHER_PARENT.get(slots.get('other_parent'), '未说')}",
             f"委托照顾人：{_guardian(slots['guardian'], slots.get('other_parent'))}"]
    return "\n".join(lines)


def offer(slots: dict, missing: list[str]) -> str:
    """One line offering the optional facts not given yet: said once, never asked one by one."""
    relation = slots["guardian"].get("relation") or "照顾人"
    other = {"father": "孩子妈妈", "mother": "孩子爸爸"}.get(slots["parent"].get("role"), "孩子另一位家长")
    words = {"parent.name": "您的姓名", "parent.left_on": "哪天出去、打算什么时候回来",
             "other_parent": f"{other}在哪里", "child.school": "孩子在哪上学",
             "guardian.age": "年纪", "guardian.health": "身体", "guardian.lives_with": "是不是和孩子住一起"}
    items = [words[k] for k in missing if k in words and not k.startswith("guardian.")]
    about = [words[k] for k in missing if k.startswith("guardian.")]
    if about:
        items.append(f"{relation}的" + "、".join(about))
    if not slots["parent"].get("employer") and not slots["parent"].get("work_address"):
        items.append("工作单位")
    if not items:
        return ""
    example = (f"{relation}72岁，和孩子住一起" if about else "3月10号走的，过年回来" if "parent.left_on" in missing
               else "单位是宁波华美电子厂")
    return "\n想补充的话直接说，不补也能登记：" + "、".join(items) + "。例如：" + example


def summary(slots: dict, changed: bool = False, missing: list[str] | None = None) -> Reply:
    head = "已改好，请再核对一遍：\n" if changed else "请核对登记信息：\n"
    more = "" if changed else offer(slots, missing or [])
    return Reply(head + summary_text(slots) + more + "\n有错直接说，例如：奶奶电话是13900001234",
                 CONFIRM_BUTTONS)


def concern_text(codes: list[str]) -> str:
    if not codes:
        return ""
    return ("\n需要提醒您：" + "；".join(CONCERNS[c] for c in codes)
            + "。登记已经保存，村委会和乡镇会联系您一起想办法。")


def filed(updated: bool, versions: list[int], codes: list[str]) -> Reply:
    what = (f"已更新（第{max(versions)}版，之前的记录都保留着）" if updated else "已登记")
    return Reply(f"{what}。村委会会在一周内和照顾孩子的人核实，孩子的学校也会收到通知。"
                 + concern_text(codes)
                 + "\n以后换了工作、换了电话或换了照顾的人，随时发给我，例如：我换到东莞上班了。"
                 "\n孩子遇到危险请马上拨打110。")
