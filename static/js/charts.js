// Draw every chart whose figure (plotly JSON built on the server) sits in a
// <script type="application/json" data-chart> element. No inline script, no CDN.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.Plotly) return;
  document.querySelectorAll("script[type='application/json'][data-chart]").forEach((node) => {
    const figure = JSON.parse(node.textContent);
    const target = document.getElementById(node.dataset.chart);
    if (target) window.Plotly.newPlot(target, figure.data, figure.layout, { displaylogo: false, responsive: true });
  });
});
