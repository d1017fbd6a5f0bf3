"""One self-contained HTML file: summary, charts, and a sortable, filterable table.

No network assets: styles, script, data and charts are inline, so the file opens offline and in
a CI artifact viewer. Data travels as JSON in a `<script type="application/json">` block with
`<`, `>` and `&` escaped, and the script writes every value with `textContent`, so a title
holding markup is shown, never run. The page reads its initial filter and sort from the URL
fragment (`#q=diffusion&verdict=overdue&sort=stars&desc=1`), which is also how its tests drive it.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import ClassVar, TextIO

from tracker.models import LinkView, PaperView, ReportSummary
from tracker.reports.cells import code_link, paper_stars, summary_lines
from tracker.reports.interface import Formatter, ReportSource
from tracker.reports.text import printable

_STAR_BUCKETS = (
    (0, "0"),
    (1, "1–9"),
    (10, "10–99"),
    (100, "100–999"),
    (1000, "1k–9.9k"),
    (10_000, "10k+"),
)
_VERDICT_COLORS = {
    "available": "#2e7d32",
    "pending": "#f9a825",
    "overdue": "#c62828",
    "dead": "#6a1b9a",
    "placeholder": "#ef6c00",
    "weights_missing": "#ad1457",
    "unknown": "#757575",
    "owner_only": "#5d4037",
    "no_link": "#0277bd",
    "none": "#b0bec5",
}

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#222}
h1{font-size:1.4rem;margin:0 0 .5rem} .summary li{margin:.1rem 0}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem;margin:1rem 0}
.chart h2{font-size:1rem;margin:.2rem 0} .chart text{font-size:11px;fill:#333}
.controls{margin:.8rem 0;display:flex;gap:.6rem;align-items:center}
table{border-collapse:collapse;width:100%} th,td{border-bottom:1px solid #ddd;padding:.3rem .4rem;
text-align:left;vertical-align:top} th{cursor:pointer;background:#f5f5f5;user-select:none}
th[aria-sort=ascending]::after{content:" ▲"} th[aria-sort=descending]::after{content:" ▼"}
td.num{text-align:right} .flag{display:inline-block;background:#fde0dc;border-radius:3px;
padding:0 .3rem;margin:1px;font-size:12px} .ack{background:#e0e0e0;text-decoration:line-through}
"""

_JS = r"""
(function(){
const data=JSON.parse(document.getElementById('data').textContent);
const cols=[['title','Paper'],['verdict','Verdict'],['code','Code'],['stars','Stars'],
  ['trend','Star trend'],['flags','Flags'],['published','Published']];
const state={q:'',verdict:'',sort:'',desc:false};
const hash=new URLSearchParams(location.hash.slice(1));
state.q=hash.get('q')||''; state.verdict=hash.get('verdict')||'';
state.sort=hash.get('sort')||''; state.desc=hash.get('desc')==='1';
const q=document.getElementById('q'), vs=document.getElementById('verdict');
q.value=state.q;
[...new Set(data.map(p=>p.verdict_kind))].sort().forEach(v=>{
  const o=document.createElement('option'); o.value=v; o.textContent=v||'(unflagged)'; vs.appendChild(o);});
vs.value=state.verdict;
const head=document.querySelector('#papers thead tr');
cols.forEach(([k,label])=>{const th=document.createElement('th'); th.textContent=label;
  th.dataset.key=k; th.addEventListener('click',()=>{state.desc=state.sort===k?!state.desc:k==='stars';
  state.sort=k; render();}); head.appendChild(th);});
function spark(series){
  const ns='http://www.w3.org/2000/svg', svg=document.createElementNS(ns,'svg');
  svg.setAttribute('width','80'); svg.setAttribute('height','20'); svg.setAttribute('class','spark');
  if(series.length<2) return svg;
  const lo=Math.min(...series), hi=Math.max(...series), span=(hi-lo)||1;
  const pts=series.map((v,i)=>(i*78/(series.length-1)+1).toFixed(1)+','+(19-(v-lo)*18/span).toFixed(1));
  const pl=document.createElementNS(ns,'polyline'); pl.setAttribute('points',pts.join(' '));
  pl.setAttribute('fill','none'); pl.setAttribute('stroke','#1565c0'); pl.setAttribute('stroke-width','1.5');
  svg.appendChild(pl); return svg;}
function key(p,k){ if(k==='stars') return p.stars==null?-1:p.stars;
  if(k==='flags') return p.flags.length; if(k==='code') return p.code_url||'';
  return (p[k]||'').toString().toLowerCase(); }
function render(){
  const needle=state.q.toLowerCase();
  let rows=data.filter(p=>(!state.verdict||p.verdict_kind===state.verdict)&&
    (!needle||(p.title+' '+p.key+' '+p.verdict+' '+(p.code_url||'')).toLowerCase().includes(needle)));
  if(state.sort){rows=rows.slice().sort((a,b)=>{const x=key(a,state.sort),y=key(b,state.sort);
    return (x<y?-1:x>y?1:0)*(state.desc?-1:1);});}
  const body=document.querySelector('#papers tbody'); body.replaceChildren();
  for(const p of rows){
    const tr=document.createElement('tr'); tr.dataset.key=p.key; tr.className='paper';
    const c=()=>{const td=document.createElement('td'); tr.appendChild(td); return td;};
    const t=c(); if(p.arxiv_id){const a=document.createElement('a'); a.href='https://arxiv.org/abs/'+
      encodeURIComponent(p.arxiv_id); a.textContent=p.title; t.appendChild(a);} else t.textContent=p.title;
    const v=c(); v.textContent=p.verdict; v.className='verdict v-'+p.verdict_kind;
    const cl=c(); if(p.code_url&&/^https?:\/\//.test(p.code_url)){const a=document.createElement('a');
      a.href=p.code_url; a.textContent=p.code_url.replace(/^https?:\/\//,''); cl.appendChild(a);}
    if(p.code_archived&&/^https?:\/\//.test(p.code_archived)){const a=document.createElement('a');
      a.href=p.code_archived; a.className='archived'; a.textContent='archived copy';
      cl.appendChild(document.createTextNode(' · ')); cl.appendChild(a);}
    const s=c(); s.className='num stars'; s.textContent=p.stars==null?'':p.stars.toLocaleString('en');
    c().appendChild(spark(p.star_history));
    const f=c(); p.flags.forEach(x=>{const b=document.createElement('span'); b.className='flag';
      b.textContent=x; f.appendChild(b);}); p.acknowledged.forEach(x=>{const b=document.createElement('span');
      b.className='flag ack'; b.title='acknowledged'; b.textContent=x+' (acknowledged)'; f.appendChild(b);});
    c().textContent=p.published||'';
    body.appendChild(tr);}
  document.querySelectorAll('#papers th').forEach(th=>{th.removeAttribute('aria-sort');
    if(th.dataset.key===state.sort) th.setAttribute('aria-sort',state.desc?'descending':'ascending');});
  document.getElementById('shown').textContent=rows.length+' of '+data.length+' papers';
  document.body.dataset.rendered=String(rows.length);}
q.addEventListener('input',()=>{state.q=q.value; render();});
vs.addEventListener('change',()=>{state.verdict=vs.value; render();});
render();
})();
"""


def _json_for_script(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _dead(p: PaperView, lk: LinkView) -> bool:
    """The link a reader would click leads nowhere: its archived copy is shown beside it."""
    return lk.repo_status == "not_found" or p.verdict_kind == "dead"


def _row(p: PaperView) -> dict[str, object]:
    lk = code_link(p)
    return {
        "key": p.key,
        "arxiv_id": p.arxiv_id,
        "title": printable(p.title),
        "verdict": printable(p.verdict) if p.verdict else p.verdict,
        "verdict_kind": p.verdict_kind,
        "code_url": lk.url if lk else None,
        "code_archived": lk.archived_url if lk and _dead(p, lk) else None,
        "stars": paper_stars(p),
        "star_history": list(p.star_history),
        "flags": list(p.flags),
        "acknowledged": list(p.acknowledged),
        "published": p.published.isoformat() if p.published else None,
    }


def _bars(title: str, items: Sequence[tuple[str, int]], cls: str, colors: dict[str, str]) -> str:
    width, bar_h = 360, 18
    top = max((v for _, v in items), default=0) or 1
    rows = []
    for i, (label, value) in enumerate(items):
        w = round(220 * value / top)
        y = i * (bar_h + 4)
        color = colors.get(label, "#1565c0")
        rows.append(
            f'<g class="bar" data-label="{html.escape(label)}" data-value="{value}">'
            f'<text x="0" y="{y + 13}">{html.escape(label)}</text>'
            f'<rect x="110" y="{y}" width="{w}" height="{bar_h}" fill="{color}"></rect>'
            f'<text x="{114 + w}" y="{y + 13}">{value:,}</text></g>'
        )
    h = max(len(items), 1) * (bar_h + 4)
    return (
        f'<figure class="chart {cls}"><h2>{html.escape(title)}</h2>'
        f'<svg width="{width}" height="{h}" role="img" aria-label="{html.escape(title)}">'
        + "".join(rows)
        + "</svg></figure>"
    )


def _kept_chart(by_month: Sequence[tuple[str, int]]) -> str:
    """Promises kept per month as bars, with the running total as a line."""
    width, height = 360, 140
    if not by_month:
        return (
            '<figure class="chart kept"><h2>Promises kept over time</h2>'
            "<p>No code delivered yet.</p></figure>"
        )
    total, cum = sum(v for _, v in by_month), 0
    step = (width - 20) / len(by_month)
    bars, pts = [], []
    top = max(v for _, v in by_month)
    for i, (month, v) in enumerate(by_month):
        cum += v
        x = 10 + i * step
        h = (height - 30) * v / top
        bars.append(
            f'<rect class="month" data-month="{month}" data-value="{v}" x="{x:.1f}" '
            f'y="{height - 20 - h:.1f}" width="{max(step - 2, 1):.1f}" height="{h:.1f}" '
            f'fill="#90caf9"></rect>'
        )
        pts.append(f"{x + step / 2:.1f},{height - 20 - (height - 30) * cum / total:.1f}")
    labels = (
        f'<text x="10" y="{height - 5}">{by_month[0][0]}</text>'
        f'<text x="{width - 60}" y="{height - 5}">{by_month[-1][0]}</text>'
    )
    return (
        '<figure class="chart kept"><h2>Promises kept over time</h2>'
        f'<svg width="{width}" height="{height}" role="img" aria-label="promises kept">'
        + "".join(bars)
        + f'<polyline points="{" ".join(pts)}" fill="none" stroke="#0d47a1" stroke-width="2">'
        f"</polyline>{labels}</svg></figure>"
    )


def _star_buckets(rows: list[dict[str, object]]) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for r in rows:
        stars = r["stars"]
        if isinstance(stars, int):
            counts[next(lbl for lo, lbl in reversed(_STAR_BUCKETS) if stars >= lo)] += 1
    return [(lbl, counts[lbl]) for _, lbl in _STAR_BUCKETS]


def write_html(
    papers: Iterable[PaperView],
    summary: ReportSummary,
    fh: TextIO,
    *,
    kept_by_month: Sequence[tuple[str, int]] = (),
    title: str = "Paper code report",
) -> int:
    """Write the page; returns the number of papers in its table."""
    rows = [_row(p) for p in papers]
    verdicts = sorted(summary.verdicts.items(), key=lambda kv: -kv[1])
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    fh.write(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{_CSS}</style></head><body>"
        f'<h1>{html.escape(title)}</h1><p class="stamp">Generated {stamp}</p>'
        '<ul class="summary">'
        + "".join(f"<li>{html.escape(ln)}</li>" for ln in summary_lines(summary))
        + '</ul><div class="charts">'
        + _bars("Status breakdown", verdicts, "status", _VERDICT_COLORS)
        + _kept_chart(kept_by_month)
        + _bars("Stars (most starred repository)", _star_buckets(rows), "stars", {})
        + '</div><div class="controls"><input id="q" type="search" '
        'placeholder="Filter by title, key, verdict or URL" size="40">'
        '<select id="verdict"><option value="">all verdicts</option></select>'
        '<span id="shown"></span></div>'
        '<table id="papers"><thead><tr></tr></thead><tbody></tbody></table>'
        f'<script type="application/json" id="data">{_json_for_script(rows)}</script>'
        f"<script>{_JS}</script></body></html>\n"
    )
    return len(rows)


class HtmlFormat(Formatter):
    """A self-contained page: summary, charts, and a filterable table."""

    name: ClassVar[str] = "html"

    def write(self, source: ReportSource, fh: TextIO) -> int:
        return write_html(
            source.papers(history=True),
            source.summary(),
            fh,
            kept_by_month=source.kept_by_month(),
        )
