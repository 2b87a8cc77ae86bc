"""Plotly figures built in Python and shipped as JSON; static/js/charts.js draws them with the
plotly.js bundled in the plotly package (no inline script, no CDN)."""

from __future__ import annotations

import plotly.graph_objects as go
from django.utils.translation import gettext as _

FONT = "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif"


def _layout(fig: go.Figure, title: str) -> str:
    fig.update_layout(title=title, font={"family": FONT}, margin={"l": 50, "r": 20, "t": 50, "b": 60},
                      height=360, template="plotly_white")
    return fig.to_json()


def pass_rate_chart(rates, title: str) -> str:
    """Pass rate per group with its exact 95 % interval as error bars. Groups with no decided
    unit (total 0) are skipped: "not yet examined" is not a 0 % bar."""
    rates = [r for r in rates if r.total]
    fig = go.Figure(go.Bar(
        x=[r.label for r in rates], y=[round(100 * r.rate, 1) for r in rates],
        error_y={"type": "data", "symmetric": False,
                 "array": [round(100 * (r.high - r.rate), 1) for r in rates],
                 "arrayminus": [round(100 * (r.rate - r.low), 1) for r in rates]},
        text=[f"{r.passed}/{r.total}" for r in rates], hovertemplate="%{x}: %{y}% (%{text})<extra></extra>",
        marker_color="#0b4f8a",
    ))
    fig.update_yaxes(range=[0, 100], title=_("pass rate (percent)"))
    return _layout(fig, title)


def score_chart(scores: list[float], pass_mark: int) -> str:
    """The distribution of scores (percent of full marks) with the pass mark."""
    fig = go.Figure(go.Histogram(x=scores, xbins={"start": 0, "end": 100.01, "size": 5}, marker_color="#0b4f8a"))
    fig.add_vline(x=pass_mark, line_dash="dash", line_color="#a61b1b", annotation_text=_("pass mark"))
    fig.update_xaxes(range=[0, 100], title=_("score (percent of full marks)"))
    fig.update_yaxes(title=_("candidates"))
    return _layout(fig, _("Score distribution"))
