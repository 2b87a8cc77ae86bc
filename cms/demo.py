"""The public site's demo content: the two regulations, a notice, the results index."""

from datetime import date
from pathlib import Path

from .models import HomePage, NoticePage, RegulationPage
from .services import home_page_ensure, results_index_ensure

REGULATIONS = [
    ("order-75", "工业产品生产单位落实质量安全主体责任监督管理规定", "国家市场监督管理总局令第75号", "order-75.txt"),
    ("aqsiq-2010-631", "关于生产企业全面落实产品质量安全主体责任的指导意见", "国质检监联〔2010〕631号", "aqsiq-2010-631.txt"),
]
DATA = Path(__file__).resolve().parent / "data" / "regulations"


def seed_site() -> None:
    home: HomePage = home_page_ensure()
    results_index_ensure()
    for slug, title, number, filename in REGULATIONS:
        if not RegulationPage.objects.filter(slug=slug).exists():
            text = (DATA / filename).read_text(encoding="utf-8").replace("**", "").strip()
            page = home.add_child(instance=RegulationPage(title=title, slug=slug, document_number=number, body=text))
            page.save_revision().publish()
    if not NoticePage.objects.filter(slug="exam-notice").exists():
        page = home.add_child(instance=NoticePage(
            title="关于开展2026年度质量安全管理人员监督抽查考核的通知", slug="exam-notice", date=date(2026, 11, 1),
            body="<p>根据《工业产品生产单位落实质量安全主体责任监督管理规定》第十五条，我局将随机抽取辖区内生产单位的质量安全总监、质量安全员进行监督抽查考核。考核不收取任何费用，抽取过程和结果依法公开。</p>",
        ))
        page.save_revision().publish()
