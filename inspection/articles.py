"""The articles an inspection item may cite: Order 75 (2023) and the 2010 guidance (国质检监联〔2010〕631号),
both in ../shared/seeds. An item's article is one of these keys; the citation is written out from it."""

from __future__ import annotations

ORDER_75 = "《工业产品生产单位落实质量安全主体责任监督管理规定》"
GUIDANCE_2010 = "《关于生产企业全面落实产品质量安全主体责任的指导意见》（国质检监联〔2010〕631号）"

# key -> (citation, whether Order 75 Art. 17 (责令改正，给予警告) is the consequence of a finding).
# Art. 17 covers: not establishing the management systems, not staffing, training or assessing the
# director and officers, not carrying out the responsibility system. The 2010 guidance is not a
# penalty basis: its findings are ordered corrected (its 三（一）: 责令企业对存在的问题进行整改) without the warning.
ARTICLES: dict[str, tuple[str, bool]] = {
    "75-3": (ORDER_75 + "第三条", True),
    "75-4": (ORDER_75 + "第四条", True),
    "75-5": (ORDER_75 + "第五条", True),
    "75-8": (ORDER_75 + "第八条", True),
    "75-9": (ORDER_75 + "第九条", True),
    "75-10": (ORDER_75 + "第十条", True),
    "75-11": (ORDER_75 + "第十一条", True),
    "75-12": (ORDER_75 + "第十二条", True),
    "75-13": (ORDER_75 + "第十三条", True),
    "75-14": (ORDER_75 + "第十四条", True),
    "75-15": (ORDER_75 + "第十五条", True),
    "75-16": (ORDER_75 + "第十六条", True),
    "2010-2.4.1": (GUIDANCE_2010 + "二（四）1 原料进厂查验制度", False),
    "2010-2.4.2": (GUIDANCE_2010 + "二（四）2 生产过程质量控制制度", False),
    "2010-2.4.3": (GUIDANCE_2010 + "二（四）3 成品出厂检验制度", False),
    "2010-2.4.4": (GUIDANCE_2010 + "二（四）4 产品质量追溯制度（记录保存期不少于两年）", False),
}

ARTICLE_CHOICES = [(key, citation) for key, (citation, _art17) in ARTICLES.items()]


def citation(article: str) -> str:
    return ARTICLES[article][0] if article in ARTICLES else article
