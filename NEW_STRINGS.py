{
    "collection": "文件夹",
    "bureau collection": "本局图片和文档",
}
