"""What 群众呼声's offline text helpers share: a voice's text and its normal form, and the words
every voice says (``STOPWORDS``). The helpers themselves: near duplicates in ``duplicates.py``
(decision 0022), the category suggestion in ``classifier.py`` (0021), hot topics in ``topics.py``
(0023). Nothing is downloaded at run time.

Text of a voice = title + newline + content, lower-cased, runs of non-word characters → a space.
"""

import re

_STOPWORDS = """
    的 了 希望 建议 问题 我们 公司 能否 一下 反映 是否 没有 一个 现在 目前 领导 相关 部门 单位
    大家 员工 职工 同事 情况 进行 解决 增加 加强 提高 及时 谢谢 请问 可以 这个 那个 还是 已经
    因为 所以 但是 如果 非常 比较 有些 一些 时候 什么 怎么 为什么 能不能 是不是 尽快 处理 关注
    重视 改进 答复 回复 你好 您好 本人 自己 他们 存在 出现 需要 应该 最近 经常 一直 不能 不是
    就是 还有 而且 以及 或者 这样 一样
"""
STOPWORDS = frozenset(_STOPWORDS.split())
_NON_WORD = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    return _NON_WORD.sub(" ", text.lower()).strip()


def voice_text(title: str, content: str) -> str:
    return f"{title}\n{content}"
