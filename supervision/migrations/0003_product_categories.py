"""The product categories the register starts with: the production-licence catalogue, the CCC
catalogue, and common products with mandatory national standards. Regulators add more in the
console."""

from django.db import migrations

CATEGORIES = {
    "licence": [
        "建筑用钢筋", "水泥", "危险化学品", "危险化学品包装物及容器", "化肥", "电线电缆",
        "人民币鉴别仪", "广播电视传输设备", "预应力混凝土铁路桥简支梁", "食品相关产品",
    ],
    "ccc": [
        "家用和类似用途设备", "电动自行车", "电动工具", "低压电器", "照明电器", "音视频设备",
        "信息技术设备", "机动车辆及安全附件", "儿童用品", "防爆电气", "家用燃气器具", "消防产品",
        "安全玻璃", "装饰装修产品",
    ],
    "standard": ["纺织品", "鞋类", "家具", "学生用品", "日用陶瓷", "塑料制品"],
}


def create(apps, schema_editor):
    ProductCategory = apps.get_model("supervision", "ProductCategory")
    for catalogue, names in CATEGORIES.items():
        for name in names:
            ProductCategory.objects.get_or_create(name=name, defaults={"catalogue": catalogue})


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_register")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
