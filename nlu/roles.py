"""The `reporter_role` entity: who is writing (a teacher, a village cadre, the child ...)."""
from __future__ import annotations

from .hazards import HAN
from .match import Match, compile_rules

SELF = r"(?:我是|我们是|本人是|本人|作为|我在|我系|俺是|我就是|我是一[名个位])"
ROLE_RULES: dict[str, list[str]] = {
    "teacher": [SELF + r"[\u4e00-\u9fff\d]{0,14}?(老师|班主任|校长|教师|园长)", r"(我们(?:学校|班|幼儿园))", r"^(班主任|老师)[,\s]"],
    "medical": [SELF + r"[\u4e00-\u9fff\d]{0,14}?(医生|护士|村医|大夫|卫生院|医院)", r"(我们(?:医院|卫生院|诊所))"],
    "village_cadre": [SELF + HAN + r"{0,8}?(村干部|村支书|支书|村主任|村长|村委|儿童主任|网格员|妇女主任|村会计|居委会|驻村)",
                      r"(我们村委|我们居委会)"],
    "social_worker": [SELF + HAN + r"{0,8}?(社工|救助站|福利院|救助管理站|志愿者)"],
    "child_self": [r"我是(学生|孩子|小孩|留守儿童)(?![的家])", r"(?:爸|妈|爹|娘|继父|后妈|爷爷|奶奶)\S{0,4}(打我)", r"(我(?:自己)?被)(?:打|欺负|骂|关)",
                   r"(我爸妈)(?:都)?(?:在外|出去|去了|不在)", r"^(我)\d+岁"],
    "parent": [SELF + r"(?:他|她|孩子|娃|伢子)?的?(爸爸|妈妈|父亲|母亲|家长|爸|妈|孩子他爸|孩子他妈)",
               r"^(?:我家|我的)?(儿子|女儿|闺女)", r"(我(?:家)?(?:娃|孩子|儿子|女儿|闺女))"],
    "relative": [SELF + r"(?:他|她|孩子|娃)?的?(爷爷|奶奶|外公|外婆|姥姥|姥爷|姑姑|姑妈|舅舅|姨妈|小姨|叔叔|大伯|伯伯|婶婶|哥哥|姐姐|亲戚|二叔|三叔|大姑|小姑)",
                 r"(我(?:家)?(?:孙子|孙女|外孙女|外孙|侄子|侄女|外甥))", r"(俺(?:家)?(?:孙子|孙女|外孙))"],
    "citizen": [SELF + r"(?:他|她|他们|孩子)?(?:家)?的?(邻居|村民|路人|群众|老乡)", r"(我路过)"],
}
_ROLE = compile_rules(ROLE_RULES)


def reporter_role(text: str) -> Match | None:
    for value, pat in _ROLE:
        m = pat.search(text)
        if m:
            g = m.lastindex or 0
            return Match("reporter_role", value, m.start(g), m.end(g))
    return None
