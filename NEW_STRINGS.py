# New user-facing msgids of issue 12 item 6 (the examiner pool), with their zh_Hans translations.
# Not yet in locale/: add them to the catalogue with `make messages` and compile.
{
    # assessment/models/sampling.py: ExaminerPool
    "Own bureau": "本局",
    "Own bureau and the city's other counties": "本局及本市其他县区",
    # assessment/models/sampling.py: the plan's pool settings (schema of 0010, now on the plan form)
    "widen a small examiner pool to the city": "检查人员不足时扩大到本市其他县区",
    "When the bureau has too few staff who can examine, draw from the enforcement staff of the city's other counties as well.": "本局可担任检查人员的工作人员不足时，同时从本市其他县区的执法检查人员中抽取。",
    "examiner pool multiple": "检查人员储备倍数",
    "The pool is widened when it holds fewer than this many times the examiners needed.": "本局可抽取人数少于所需检查人员数的该倍数时，扩大抽取范围。",
    "examiner frame": "检查人员名录",
    "examiner frame SHA-256": "检查人员名录 SHA-256",
    # assessment/services/sessions.py: examiners_draw refusals (after the existing
    # "Only %(n)s staff can examine this session after recusal; %(needed)s are needed.")
    "The person running the draw is never drawn, so you are not counted.": "抽取操作人不会被抽中，因此您本人未计入。",
    "The plan does not widen the pool to the city's other counties.": "本计划未将抽取范围扩大到本市其他县区。",
    "The staff of the city's other counties who can examine were counted too.": "已计入本市其他县区可担任检查人员的工作人员。",
    # templates/assessment/plan_inspect.html, session_roster.html, templates/cms/results_page.html
    "Examiner pool": "检查人员抽取范围",
    "Examiner frame (SHA-256)": "检查人员名录（SHA-256）",
    "Download the examiner frame": "下载检查人员名录文件",
    # templates/cms/results_page.html
    "How the examiners were drawn": "检查人员如何抽取",
    "Each session's examiners were drawn with the same seed from its examiner frame: the staff who can examine, after recusal, never the person running the draw.": "各场次的检查人员使用同一随机种子，从该场次的检查人员名录中抽取：名录列出可担任检查人员的工作人员，已排除回避人员，且不含抽取操作人。",
    "Re-run the draw": "复核抽取",
}
