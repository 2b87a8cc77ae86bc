"""The public site's footer carries what a government site must (主办单位, 联系方式, ICP and public
security filing numbers, 网站标识码) from settings; what is not set is not shown."""

import pytest

pytestmark = pytest.mark.django_db

FULL = {"sponsor": "杭州市余杭区市场监督管理局", "contact": "0571-86221234", "icp": "浙ICP备12345678号",
        "psb": "浙公网安备 33011002011234号", "identifier": "3301100012"}


def test_every_part_from_settings_with_the_registries_linked(client, settings):
    settings.SITE_FOOTER = FULL
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">'):]
    for value in FULL.values():
        assert value in footer
    assert "主办单位" in footer and "网站标识码" in footer
    assert 'href="https://beian.miit.gov.cn/"' in footer
    assert 'href="https://beian.mps.gov.cn/#/query/webSearch?code=33011002011234"' in footer  # the digits only


def test_empty_settings_show_nothing_and_a_value_is_escaped(client, settings):
    settings.SITE_FOOTER = {key: "" for key in FULL}
    html = client.get("/").content.decode()
    assert "site-footer__gov" not in html and "主办单位" not in html
    settings.SITE_FOOTER = {**{key: "" for key in FULL}, "sponsor": "<script>x</script>局"}
    html = client.get("/").content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;局" in html and "网站标识码" not in html and "beian" not in html
