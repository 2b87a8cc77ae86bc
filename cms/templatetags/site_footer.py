"""The public site's footer as a Chinese government site carries it: the sponsoring bureau (主办单位),
its contact, the ICP filing number (ICP 备案号, 《非经营性互联网信息服务备案管理办法》), the public
security filing number (公安机关备案号) and the site identifier code (网站标识码, 《政府网站发展指引》).
Each comes from settings (`SITE_FOOTER`, set per deployment); an empty one is not shown."""

import re

from django import template
from django.conf import settings

register = template.Library()

ICP_REGISTRY = "https://beian.miit.gov.cn/"
PSB_REGISTRY = "https://beian.mps.gov.cn/#/query/webSearch?code="


@register.inclusion_tag("cms/includes/site_footer.html")
def site_footer():
    footer = {key: (value or "").strip() for key, value in getattr(settings, "SITE_FOOTER", {}).items()}
    psb = footer.get("psb", "")
    digits = "".join(re.findall(r"\d+", psb))
    return {
        "sponsor": footer.get("sponsor", ""), "contact": footer.get("contact", ""),
        "icp": footer.get("icp", ""), "icp_url": ICP_REGISTRY,
        "psb": psb, "psb_url": PSB_REGISTRY + digits if digits else "",
        "identifier": footer.get("identifier", ""),
    }
