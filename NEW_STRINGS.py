{
    "Changed by import": "导入变更",
    "changed": "已更改",
    "import job %(job)s": "导入任务 %(job)s",
}
