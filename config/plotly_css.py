"""plotly.js's own stylesheet as a static file, so that charts need no inline <style> (CSP style-src 'self').

When plotly.min.js loads it writes its rules into <style> elements it creates: the chart rules
("plotly.js-style-global") and the map library's (an element whose id is a hash). Under our CSP those
are refused. plotly.js leaves both alone when the page already has an element of that id (the first
with the class no-inline-styles): templates/includes/plotly_assets.html puts them there, the first as
a <link> to static/css/plotly.css, which this module writes from the installed plotly.min.js:

    .venv/bin/python -m config.plotly_css > static/css/plotly.css

tests/test_security_headers.py fails when the file or the map library's id no longer match plotly."""

import re
from pathlib import Path

import plotly

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
GLOBAL_STYLE_ID = "plotly.js-style-global"

# `I0e={"X,X div":'direction:ltr;…', …};for(bV in I0e)R0e=bV.replace(/^,/," ,").replace(/X/g,".js-plotly-plot
# .plotly").replace(/Y/g,".plotly-notifier"),swt.addStyleRule(R0e,I0e[bV])`: names differ between builds.
_RULES = re.compile(r"(\w+)=(\{[^{}]*\});for\((\w+) in \1\)\w+=\3\.replace\(/\^,/,\" ,\"\)")
# One `key:value` of that object literal: the key quoted or bare (`Y:`), the value quoted.
_PAIR = re.compile(r"""(?:"([^"]*)"|'([^']*)'|([A-Za-z_$][\w$]*)):(?:"([^"]*)"|'([^']*)')(?:,|$)""")
_MAP_CSS_ID = re.compile(r'if\(!document\.getElementById\("([0-9a-f]{64})"\)\)\{var \w+=document\.createElement\("style"\)')


def _source() -> str:
    return PLOTLY_JS.read_text(encoding="utf-8")


def global_css(source: str | None = None) -> str:
    source = source or _source()
    match = _RULES.search(source)
    if not match:
        raise RuntimeError("plotly.min.js: the global style rules were not found; check config/plotly_css.py")
    body = match.group(2)[1:-1]
    pairs = [(next(g for g in m.groups()[:3] if g is not None), next(g for g in m.groups()[3:] if g is not None))
             for m in _PAIR.finditer(body)]
    if sum(len(m.group(0)) for m in _PAIR.finditer(body)) != len(body):
        raise RuntimeError("plotly.min.js: the global style rules have a form config/plotly_css.py does not read")
    lines = [f"/* plotly.js {version(source)}: its global style rules (config/plotly_css.py writes this file). */"]
    for selector, declarations in pairs:
        selector = re.sub(r"^,", " ,", selector).replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        lines.append(f"{selector} {{{declarations}}}")
    return "\n".join(lines) + "\n"


def map_css_id(source: str | None = None) -> str:
    match = _MAP_CSS_ID.search(source or _source())
    if not match:
        raise RuntimeError("plotly.min.js: the map library's style element was not found; check config/plotly_css.py")
    return match.group(1)


def version(source: str | None = None) -> str:
    return re.search(r"plotly\.js v([\d.]+)", source or _source()).group(1)


if __name__ == "__main__":
    print(global_css(), end="")
