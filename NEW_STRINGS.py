{
    "%(name)s already holds an open post at this unit: %(role)s, appointed on %(date)s. A person holds one open post per unit (Order 75 Art. 13): first record the leaving date (离任日期) on that post, here in the console or by importing a personnel file with a 离任日期 column, then add the new post.":
        "%(name)s 已在本单位在岗：%(role)s，任职日期 %(date)s。同一人在同一单位只能有一个在岗任职（第75号令第十三条）：请先为该任职填写离任日期（在控制台编辑该任职记录，或导入带“离任日期”列的人员表），再添加新的任职。",
}
