# New user-facing msgids of issue 12 (results), with their Chinese, for the next `make messages`.
# The last two come from the schema commit (SamplingPlan.absent_counts_as_failed) and are shown
# to users now that the plan form carries the field.
{
    "not yet examined": "未考",
    "units": "单位",
    "people": "人员",
    "No attempt has been submitted yet: there are no pass rates.": "尚无已交卷的考核，暂无合格率",
    "Pass rates are over the decided units and people; absent candidates count as not passed.": "合格率仅按已有结论的单位和人员计算，缺考计为未合格。",
    "Pass rates are over the decided units and people; absent candidates are left out of them.": "合格率仅按已有结论的单位和人员计算，缺考不计入。",
    "absent counts as not passed": "缺考计为未合格",
    "Candidates marked absent are counted as units that did not pass; they are always shown separately from those who failed.": "被标记缺考的人员所在单位计为未合格；缺考始终与不合格分开显示。",
}
