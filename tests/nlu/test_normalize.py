from nlu.normalize import cn_to_int, normalize


def test_traditional_to_simplified():
    assert normalize("我們的孩子沒回來").text == "我们的孩子没回来"


def test_full_width_and_whitespace():
    assert normalize("ＡＢＣ１２３　　孩子\t\n  走丢了").text == "abc123 孩子 走丢了"


def test_chinese_numerals_ages_and_counts():
    assert normalize("他十二岁 两个月 三天没回 二十一周岁").text == "他12岁 2个月 3天没回 21周岁"


def test_words_that_only_look_like_numbers_stay():
    assert normalize("一个人住 万一 十分害怕 七八岁 第一次").text == "一个人住 万一 十分害怕 七八岁 第一次"


def test_phone_digits_spoken_as_numerals():
    assert normalize("电话一三八一二三四五六七八").text == "电话13812345678"
    assert normalize("幺三九 零零零零 一一一一").text.replace(" ", "") == "13900001111"


def test_emoji_and_control_characters_removed():
    assert normalize("救命😭😭\x00\x07\u200b 快来").text == "救命 快来"
    assert normalize("😀🎉").text == ""


def test_offsets_point_into_the_original():
    n = normalize("孩子十二歲了")
    i = n.text.index("12岁")
    start, end = n.span(i, i + 3)
    assert n.original[start:end] == "十二歲"


def test_cn_to_int():
    assert [cn_to_int(s) for s in ("十", "十二", "二十", "一百零五", "两百", "一万二千")] == [10, 12, 20, 105, 200, 12000]
    assert cn_to_int("万一") is None and cn_to_int("") is None
