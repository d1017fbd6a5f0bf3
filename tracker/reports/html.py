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
from typing import Any, ClassVar, TextIO

from tracker.columns import json_paper
from tracker.handles import paper_handle
from tracker.models import KeptPromise, LinkView, PaperView, ReportSummary
from tracker.reports.cells import code_link, summary_lines
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
    "none": "#78909c",
}

_BADGES = {
    "available": "code available",
    "weights_missing": "weights missing",
    "dead": "dead link",
    "placeholder": "placeholder",
    "overdue": "overdue",
    "unknown": "unknown",
    "owner_only": "owner page only",
    "pending": "pending",
    "no_link": "no link",
    "none": "no code claimed",
    "": "not flagged",
}
"""The words on each verdict's badge."""

_CSS = """
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem;color:#222;max-width:1400px}
h1{font-size:1.4rem;margin:0 0 .3rem} .stamp{color:#666;margin:0 0 .5rem}
.summary{padding-left:1.2rem} .summary li{margin:.1rem 0}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem;margin:1rem 0}
.chart{margin:0;min-width:0;flex:1 1 300px;max-width:380px}
.chart h2{font-size:1rem;margin:.2rem 0} .chart svg{width:100%;height:auto;display:block}
.chart text{font-size:11px;fill:#333} .chart p{margin:.2rem 0;color:#555;font-size:12px}
.controls{margin:.8rem 0;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.controls input,.controls select{font:inherit;padding:.25rem .4rem;max-width:100%}
.controls input{flex:1 1 14rem}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.35rem .4rem;text-align:left;vertical-align:top}
th{cursor:pointer;background:#f5f5f5;user-select:none;white-space:nowrap}
th[aria-sort=ascending]::after{content:" ▲"} th[aria-sort=descending]::after{content:" ▼"}
td{overflow-wrap:anywhere} td.num{text-align:right} td.published{white-space:nowrap}
tr.paper{cursor:pointer} tr.paper:hover{background:#fafafa} tr.paper.open{background:#eef4fb}
.toggle{font:inherit;border:1px solid #bbb;background:#fff;border-radius:3px;width:1.6rem;
padding:0;margin-right:.4rem;cursor:pointer}
.handle{font-family:ui-monospace,monospace;color:#555;font-size:12px;margin-right:.3rem}
.badge{display:inline-block;border-radius:10px;padding:0 .55rem;color:#fff;font-size:12px;
font-weight:600;white-space:nowrap}
.verdict-line{display:block;color:#444;font-size:12px}
.flag{display:inline-block;background:#fde0dc;border-radius:3px;padding:0 .3rem;margin:1px;
font-size:12px} .ack{background:#e0e0e0;text-decoration:line-through}
tr.card>td{background:#f8fafc;padding:.6rem 1rem 1rem}
.card h3{font-size:.95rem;margin:.7rem 0 .3rem} .card ul{margin:.2rem 0;padding-left:1.2rem}
.card dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:0}
.card dt{color:#555} .card dd{margin:0}
.card q{font-style:italic;color:#333} .muted{color:#666}
.item{display:inline-block;border-radius:3px;padding:0 .35rem;margin:1px;font-size:12px}
.item.yes{background:#c8e6c9} .item.no{background:#ffcdd2} .item.unknown{background:#eceff1}
@media (max-width:720px){
 body{margin:.7rem}
 #papers thead{display:none}
 #papers,#papers tbody,#papers tr,#papers td{display:block;width:100%}
 #papers tr.paper{border:1px solid #ddd;border-radius:6px;margin:.6rem 0 0;padding:.2rem .3rem}
 #papers td{border:0;padding:.15rem .3rem}
 #papers td.trend,#papers td:empty{display:none}
 #papers td[data-label]::before{content:attr(data-label) ": ";color:#666}
 #papers td.num{text-align:left}
 .card dl{grid-template-columns:1fr}
}
"""

_JS = r"""
(function(){
const data=JSON.parse(document.getElementById('data').textContent);
const total=Number(document.body.dataset.total);
const cols=[['title','Paper'],['verdict','Verdict'],['code','Code'],['stars','Stars'],
  ['trend','Star trend'],['flags','Flags'],['published','Published']];
const badges=JSON.parse(document.getElementById('badges').textContent);
const PAGE=500;
const state={q:'',verdict:null,flag:null,venue:null,sort:'',desc:false,open:new Set(),upto:PAGE};
const hash=new URLSearchParams(location.hash.slice(1));
state.q=hash.get('q')||''; state.sort=hash.get('sort')||''; state.desc=hash.get('desc')==='1';
for(const k of ['verdict','flag','venue']) state[k]=hash.has(k)?hash.get(k):null;
(hash.get('open')||'').split(' ').filter(Boolean).forEach(k=>state.open.add(k));
const $=id=>document.getElementById(id);
function el(tag,cls,text){const e=document.createElement(tag); if(cls) e.className=cls;
  if(text!=null) e.textContent=text; return e;}
const safe=u=>typeof u==='string'&&/^https?:\/\//i.test(u);
function link(url,text,cls){if(!safe(url)) return el('span',cls,text);
  const a=el('a',cls,text); a.href=url; a.rel='noopener noreferrer'; return a;}
function choices(id,values,label){const sel=$(id);
  values.forEach(v=>{const o=el('option',null,label(v)); o.value='='+v; sel.appendChild(o);});
  sel.value=state[id]==null?'':'='+state[id];
  sel.addEventListener('change',()=>{state[id]=sel.value?sel.value.slice(1):null; state.upto=PAGE; render();});}
const uniq=xs=>[...new Set(xs)].sort();
choices('verdict',uniq(data.map(p=>p.verdict_kind)),v=>badges[v]||v);
choices('flag',uniq(data.flatMap(p=>p.flags)),v=>v);
choices('venue',uniq(data.map(p=>p.venue)),v=>v||'(no venue)');
const q=$('q'); q.value=state.q; q.addEventListener('input',()=>{state.q=q.value; state.upto=PAGE; render();});
const head=document.querySelector('#papers thead tr');
cols.forEach(([k,label])=>{const th=el('th',null,label); th.dataset.key=k;
  th.addEventListener('click',()=>{state.desc=state.sort===k?!state.desc:k==='stars';
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
  if(k==='verdict') return p.verdict_kind||'';
  return (p[k]||'').toString().toLowerCase(); }
function badge(p){const b=el('span','badge v-'+(p.verdict_kind||'unflagged'),
  badges[p.verdict_kind]||p.verdict_kind); return b;}
function section(card,title){card.appendChild(el('h3',null,title)); return card;}
function details(p){
  const card=el('div','card'); card.id='card-'+p.handle;
  const dl=el('dl');
  const row=(k,v)=>{dl.appendChild(el('dt',null,k)); const d=el('dd');
    if(typeof v==='string') d.textContent=v; else d.appendChild(v); dl.appendChild(d);};
  const verdict=el('span'); verdict.appendChild(badge(p));
  if(p.verdict&&p.verdict!==badges[p.verdict_kind]) verdict.appendChild(document.createTextNode(' '+p.verdict));
  row('Verdict',verdict);
  row('Key',p.key); if(p.venue) row('Venue',p.venue); row('Published',p.published||'unknown');
  card.appendChild(dl);
  section(card,'What the paper says'); const claims=el('ul');
  p.claims.forEach(c=>{const li=el('li'); li.appendChild(el('strong',null,c.artifact+': '));
    li.appendChild(document.createTextNode(c.status.replace(/_/g,' ')+(c.condition?' ('+c.condition+')':'')));
    if(c.evidence){li.appendChild(document.createTextNode(' — ')); li.appendChild(el('q',null,c.evidence));}
    claims.appendChild(li);}); card.appendChild(claims);
  section(card,'Links'); const links=el('ul');
  if(!p.links.length) links.appendChild(el('li','muted','no links found'));
  p.links.forEach(lk=>{const li=el('li'); li.className='link'; li.appendChild(link(lk.url,lk.url));
    const facts=[lk.kind+' · '+lk.role];
    if(lk.repo_status) facts.push(lk.repo_status.replace(/_/g,' '));
    if(lk.stars!=null) facts.push('★'+lk.stars.toLocaleString('en'));
    if(lk.license) facts.push('license '+lk.license);
    else if(lk.repo_status==='ok'||lk.repo_status==='moved') facts.push('no license file');
    li.appendChild(el('span','muted',' ('+facts.join(', ')+')'));
    if(lk.archived_url){li.appendChild(document.createTextNode(' · '));
      li.appendChild(link(lk.archived_url,'archived copy'+(lk.archived_at?' ('+lk.archived_at.slice(0,10)+')':''),'archived'));}
    links.appendChild(li);}); card.appendChild(links);
  section(card,p.checklist_score==null?'Checklist: not judged':'Checklist: '+p.checklist_score+' of '+Object.keys(p.checklist).length);
  const items=el('div'); Object.entries(p.checklist).forEach(([k,v])=>{
    items.appendChild(el('span','item '+v,k.replace(/_/g,' ')+': '+v));
    items.appendChild(document.createTextNode(' '));});
  card.appendChild(items);
  if(p.open_requests.length){section(card,'Open requests for code, weights or data');
    const asks=el('ul'); p.open_requests.forEach(r=>{const li=el('li');
      li.appendChild(link(r.url,'#'+r.number+' '+r.title)); if(r.created_at)
      li.appendChild(el('span','muted',' opened '+r.created_at.slice(0,10))); asks.appendChild(li);});
    card.appendChild(asks);}
  return card;}
function matches(p){const n=state.q.toLowerCase();
  return (state.verdict==null||p.verdict_kind===state.verdict)&&
    (state.flag==null||p.flags.includes(state.flag))&&(state.venue==null||p.venue===state.venue)&&
    (!n||[p.title,p.key,p.handle,p.verdict,p.venue,p.code_url||''].join(' ').toLowerCase().includes(n));}
function remember(){const h=new URLSearchParams();
  if(state.q) h.set('q',state.q); for(const k of ['verdict','flag','venue']) if(state[k]!=null) h.set(k,state[k]);
  if(state.sort){h.set('sort',state.sort); if(state.desc) h.set('desc','1');}
  if(state.open.size) h.set('open',[...state.open].join(' '));
  try{history.replaceState(null,'',h.toString()?'#'+h.toString():location.pathname+location.search);}catch(e){}}
function render(){
  let rows=data.filter(matches);
  if(state.sort){rows=rows.slice().sort((a,b)=>{const x=key(a,state.sort),y=key(b,state.sort);
    return (x<y?-1:x>y?1:0)*(state.desc?-1:1);});}
  const body=document.querySelector('#papers tbody'); body.replaceChildren();
  for(const p of rows.slice(0,state.upto)){
    const tr=document.createElement('tr'); tr.dataset.key=p.key; tr.className='paper';
    const open=state.open.has(p.key); if(open) tr.classList.add('open');
    const c=(cls,label)=>{const td=el('td',cls); if(label) td.dataset.label=label; tr.appendChild(td); return td;};
    const t=c('title'); const tg=el('button','toggle',open?'−':'+'); tg.type='button';
    tg.setAttribute('aria-expanded',String(open)); tg.setAttribute('aria-label','details of '+p.handle);
    t.appendChild(tg); t.appendChild(el('span','handle',p.handle));
    t.appendChild(p.arxiv_id?link('https://arxiv.org/abs/'+encodeURIComponent(p.arxiv_id),p.title,'paper-title'):el('span','paper-title',p.title));
    const v=c('verdict'); v.appendChild(badge(p));
    if(p.verdict&&p.verdict!==badges[p.verdict_kind]) v.appendChild(el('span','verdict-line',p.verdict));
    const cl=c('code','Code'); if(safe(p.code_url)) cl.appendChild(link(p.code_url,p.code_url.replace(/^https?:\/\//i,'')));
    if(safe(p.code_archived)){cl.appendChild(document.createTextNode(' · '));
      cl.appendChild(link(p.code_archived,'archived copy','archived'));}
    const s=c('num stars','Stars'); s.textContent=p.stars==null?'':p.stars.toLocaleString('en');
    c('trend').appendChild(spark(p.star_history));
    const f=c('flags'); p.flags.forEach(x=>f.appendChild(el('span','flag',x)));
    p.acknowledged.forEach(x=>{const b=el('span','flag ack',x+' (acknowledged)'); b.title='acknowledged'; f.appendChild(b);});
    c('published','Published').textContent=p.published||'';
    tr.addEventListener('click',e=>{if(e.target.closest('a')) return;
      if(state.open.has(p.key)) state.open.delete(p.key); else state.open.add(p.key); render();});
    body.appendChild(tr);
    if(open){const d=el('tr','card'); const td=el('td'); td.colSpan=cols.length;
      td.appendChild(details(p)); d.appendChild(td); body.appendChild(d);}}
  if(rows.length>state.upto){const tr=el('tr','more'); const td=el('td'); td.colSpan=cols.length;
    const left=rows.length-state.upto;
    const b=el('button','more','Show '+Math.min(PAGE,left).toLocaleString('en')+' more ('+left.toLocaleString('en')+' not shown)');
    b.type='button'; b.addEventListener('click',()=>{state.upto+=PAGE; render();});
    td.appendChild(b); tr.appendChild(td); body.appendChild(tr);}
  document.querySelectorAll('#papers th').forEach(th=>{th.removeAttribute('aria-sort');
    if(th.dataset.key===state.sort) th.setAttribute('aria-sort',state.desc?'descending':'ascending');});
  $('shown').textContent=rows.length+' of '+data.length+' papers'+
    (data.length<total?' (this page holds '+data.length+' of the '+total+' selected)':'');
  document.body.dataset.rendered=String(rows.length); remember();}
render();
})();
"""


def _json_for_script(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _dead(p: PaperView, lk: LinkView) -> bool:
    """The link a reader would click leads nowhere: its archived copy is shown beside it."""
    return lk.repo_status == "not_found" or p.verdict_kind == "dead"


def _shown(value: Any) -> Any:
    """`value` with every string made `printable` (no controls, no bidirectional overrides):
    the page writes text with `textContent`, so markup is inert, but an override would still
    make a title read as something else."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {k: _shown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shown(v) for v in value]
    return value


def _row(p: PaperView) -> dict[str, Any]:
    """The paper's public columns (`tracker.columns`, as the JSON export writes them) and
    what the page adds: its handle, code link, star history and the claims' sentences."""
    lk = code_link(p)
    return _shown(
        {
            **json_paper(p),
            "handle": paper_handle(p.key),
            "code_url": lk.url if lk else None,
            "code_archived": lk.archived_url if lk and _dead(p, lk) else None,
            "star_history": list(p.star_history),
            "claims": [
                {
                    "artifact": c.artifact,
                    "status": c.status,
                    "condition": c.condition,
                    "evidence": c.evidence,
                }
                for c in p.claims
            ],
        }
    )


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
            f'<text x="0" y="{y + 13}">{html.escape(_BADGES.get(label, label))}</text>'
            f'<rect x="110" y="{y}" width="{w}" height="{bar_h}" fill="{color}"></rect>'
            f'<text x="{114 + w}" y="{y + 13}">{value:,}</text></g>'
        )
    h = max(len(items), 1) * (bar_h + 4)
    return (
        f'<figure class="chart {cls}"><h2>{html.escape(title)}</h2>'
        f'<svg viewBox="0 0 {width} {h}" width="{width}" height="{h}" role="img" '
        f'aria-label="{html.escape(title)}">' + "".join(rows) + "</svg></figure>"
    )


def kept_counts(kept: Sequence[KeptPromise]) -> tuple[int, list[tuple[str, int]]]:
    """How many promises were kept with no date (code there when first checked), and the
    dated ones per month (`YYYY-MM`), oldest first: together, every one of `kept`."""
    months: Counter[str] = Counter()
    undated = 0
    for k in kept:
        if k.kept_at is None:
            undated += 1
        else:
            months[f"{k.kept_at:%Y-%m}"] += 1
    return undated, sorted(months.items())


def _kept_chart(kept: Sequence[KeptPromise]) -> str:
    """Promises kept: those whose code was there when first checked, then those seen kept
    per month as bars, with the running total as a line. The bars add up to the summary's
    `kept` (both count `kept`)."""
    width, height = 360, 150
    undated, by_month = kept_counts(kept)
    head = (
        f'<figure class="chart kept" data-total="{len(kept)}"><h2>Promises kept: {len(kept):,}</h2>'
    )
    if not kept:
        return head + "<p>No promise kept yet.</p></figure>"
    bars = [("undated", "when first checked", undated)] if undated else []
    bars += [("month", month, v) for month, v in by_month]
    step = min((width - 20) / len(bars), 44)
    top = max(v for _, _, v in bars)
    shapes, pts, cum = [], [], 0
    for i, (cls, label, v) in enumerate(bars):
        cum += v
        x = 10 + i * step
        h = (height - 50) * v / top
        attr = f' data-month="{label}"' if cls == "month" else ""
        color = "#cfd8dc" if cls == "undated" else "#90caf9"
        shapes.append(
            f'<rect class="{cls}"{attr} data-value="{v}" x="{x:.1f}" y="{height - 30 - h:.1f}" '
            f'width="{max(step - 2, 1):.1f}" height="{h:.1f}" fill="{color}">'
            f"<title>{html.escape(label)}: {v:,}</title></rect>"
            f'<text x="{x + step / 2 - 1:.1f}" y="{height - 33 - h:.1f}" '
            f'text-anchor="middle">{v:,}</text>'
        )
        pts.append(f"{x + step / 2:.1f},{height - 30 - (height - 50) * cum / len(kept):.1f}")
    right = 10 + len(bars) * step
    labels = f'<text x="10" y="{height - 17}">{html.escape(bars[0][1])}</text>'
    if len(bars) > 1:  # under the last bar; a line lower when the two would meet
        y = height - 17 if right > 220 else height - 4
        labels += (
            f'<text x="{right:.1f}" y="{y}" text-anchor="end">{html.escape(bars[-1][1])}</text>'
        )
    note = (
        f"<p>{len(kept):,} kept; {undated:,} had code when the tracker first checked them, "
        "so when is not known.</p>"
        if undated
        else f"<p>{len(kept):,} kept, each seen kept while tracked.</p>"
    )
    return (
        head + f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="promises kept">'
        + "".join(shapes)
        + f'<polyline points="{" ".join(pts)}" fill="none" stroke="#0d47a1" stroke-width="2">'
        f"</polyline>{labels}</svg>{note}</figure>"
    )


def _star_buckets(rows: list[dict[str, object]]) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for r in rows:
        stars = r["stars"]
        if isinstance(stars, int):
            counts[next(lbl for lo, lbl in reversed(_STAR_BUCKETS) if stars >= lo)] += 1
    return [(lbl, counts[lbl]) for _, lbl in _STAR_BUCKETS]


def _stars_title(rows: int, papers: int) -> str:
    """The stars chart counts the papers on the page: it says so when `--limit` left some off."""
    title = "Stars (most starred repository)"
    return title if rows >= papers else f"{title} of the {rows:,} papers on this page"


def _badge_css() -> str:
    colors = {**_VERDICT_COLORS, "unflagged": "#9e9e9e"}
    return "".join(f".v-{k}{{background:{c}}}" for k, c in colors.items())


def write_html(
    papers: Iterable[PaperView],
    summary: ReportSummary,
    fh: TextIO,
    *,
    kept: Sequence[KeptPromise] = (),
    title: str = "Paper code report",
) -> int:
    """Write the page; returns the number of papers in its table. `kept` are the kept
    promises of the same selection as `summary` (`ReportSource.kept_promises`)."""
    rows = [_row(p) for p in papers]
    verdicts = sorted(summary.verdicts.items(), key=lambda kv: -kv[1])
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    fh.write(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{_CSS}{_badge_css()}</style></head>"
        f'<body data-total="{summary.papers}">'
        f'<h1>{html.escape(title)}</h1><p class="stamp">Generated {stamp}</p>'
        '<ul class="summary">'
        + "".join(f"<li>{html.escape(ln)}</li>" for ln in summary_lines(summary))
        + '</ul><div class="charts">'
        + _bars("Verdicts", verdicts, "status", _VERDICT_COLORS)
        + _kept_chart(kept)
        + _bars(_stars_title(len(rows), summary.papers), _star_buckets(rows), "stars", {})
        + '</div><div class="controls"><input id="q" type="search" aria-label="search" '
        'placeholder="Search title, handle, verdict, venue or URL">'
        '<select id="verdict" aria-label="verdict"><option value="">all verdicts</option>'
        '</select><select id="flag" aria-label="flag"><option value="">all flags</option>'
        '</select><select id="venue" aria-label="venue"><option value="">all venues</option>'
        '</select><span id="shown"></span></div>'
        '<table id="papers"><thead><tr></tr></thead><tbody></tbody></table>'
        f'<script type="application/json" id="badges">{_json_for_script(_BADGES)}</script>'
        f'<script type="application/json" id="data">{_json_for_script(rows)}</script>'
        f"<script>{_JS}</script></body></html>\n"
    )
    return len(rows)


class HtmlFormat(Formatter):
    """A self-contained page: summary, charts, and a filterable table with a card per paper."""

    name: ClassVar[str] = "html"

    def write(self, source: ReportSource, fh: TextIO) -> int:
        return write_html(
            source.papers(cards=True), source.summary(), fh, kept=source.kept_promises()
        )
