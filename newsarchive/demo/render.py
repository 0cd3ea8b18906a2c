"""Pages as HTML: the portal model poured into templates/*.html, one markup family per CMS.

Each family writes the same facts the way its CMS does: the meta line's labels and date
format, the breadcrumb, where the editor sits, how prev/next and attachments are linked,
whether links are relative, root-relative or absolute. Templates hold the page skeletons;
this module builds the variable parts. ``{{name}}`` placeholders must all be filled.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import quote

from newsarchive.demo import vocab
from newsarchive.demo.content import Article
from newsarchive.demo.portal import DemoPortal, Entry
from newsarchive.demo.sections import BY_KEY, CHANNELS, FAULT_SECTION, HanwebScheme, Section

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
NAV_KEYS = ("zwyw", "bmdt", "xzdt", "msgz", "whly", "ldhd", "tzgg", "mtjj")
HOME_ITEMS = 6


class Template:
    """``{{name}}`` substitution, pre-split so rendering is one join; a missing name is an error."""

    def __init__(self, text: str) -> None:
        self.parts = _PLACEHOLDER.split(text)

    def render(self, **values: str) -> str:
        parts = list(self.parts)
        for i in range(1, len(parts), 2):
            parts[i] = values[parts[i]]
        return "".join(parts)


@cache
def template(name: str) -> Template:
    path = resources.files(__package__).joinpath(f"templates/{name}")
    return Template(path.read_text(encoding="utf-8"))


@cache
def static(name: str) -> bytes:
    return resources.files(__package__).joinpath(f"pages/static/{name}").read_bytes()


def esc(text: str | None) -> str:
    return html.escape(text or "", quote=True)


@dataclass
class Ctx:
    """What every page needs: the portal, the Host it is served as, and the page's own path."""

    portal: DemoPortal
    host: str
    path: str


# ---- site chrome ------------------------------------------------------------------------------


def chrome(portal: DemoPortal) -> tuple[str, str]:
    """The header/nav and footer shared by every page."""
    nav = []
    for key in NAV_KEYS:
        s = BY_KEY[key]
        nav.append(f'\t\t\t<li><a href="{esc(s.scheme.list_path(1))}">{s.name}</a></li>')
    if portal.faults:
        nav.append(f'\t\t\t<li><a href="{FAULT_SECTION.scheme.list_path(1)}">{FAULT_SECTION.name}</a></li>')
    top = template("_top.html").render(site_name=vocab.SITE_NAME, nav="\n".join(nav))
    bottom = template("_bottom.html").render(site_name=vocab.SITE_NAME, icp=vocab.ICP, psb=vocab.PSB)
    return top, bottom


def _page(name: str, ctx: Ctx, **values: str) -> str:
    top, bottom = chrome(ctx.portal)
    return template(name).render(top=top, bottom=bottom, site_name=vocab.SITE_NAME, **values)


# ---- small pieces -----------------------------------------------------------------------------


def href(section: Section, ctx: Ctx, to_path: str) -> str:
    return esc(section.scheme.href(ctx.path, to_path, ctx.host))


def crumbs(section: Section, ctx: Ctx, article: bool) -> str:
    """The breadcrumb in the family's markup; on articles it may end with 正文."""
    ch, lst = section.channel, section.scheme.list_path(1)
    link = {"channel": href(section, ctx, ch.path), "list": href(section, ctx, lst)}
    home = href(section, ctx, "/")
    name, fam = section.name, section.family
    if fam == "chaotian":
        tail = f'<a href="{link["list"]}">{name}</a>&gt;&gt;正文' if article else name
        return f'<a href="/">首页</a>&gt;&gt;<a href="{link["channel"]}">{ch.name}</a>&gt;&gt;{tail}'
    if fam == "trs":
        cls = 'target="_self" class="CurrChnlCls"'
        return (f'<a href="{home}" {cls} title="首页">首页</a>&nbsp;>&nbsp;'
                f'<a href="{link["channel"]}" {cls} title="{ch.name}">{ch.name}</a>&nbsp;>&nbsp;'
                f'<a href="{link["list"]}" {cls} title="{name}">{name}</a>')
    if fam == "hanweb":
        return (f'<td> &gt;<a href="{esc(ch.path)}">{ch.name}</a></td>'
                f'<td> &gt;<a href="{esc(lst)}">{name}</a></td>')
    if fam == "phpcms":
        tail = " &gt;  正文" if article else ""
        return (f'<a href="http://{ctx.host}">首页</a><span> &gt; </span>'
                f'<a href="{link["channel"]}">{ch.name}</a> &gt;  <a href="{link["list"]}">{name}</a>{tail}')
    if fam == "dede":
        return (f"<a href='/'>首页</a> > <a href='{esc(ch.path)}'>{ch.name}</a> > "
                f"<a href='{esc(lst)}'>{name}</a> > ")
    if fam == "empire":
        return (f'<a href="/">首页</a>&nbsp;>&nbsp;<a href="{esc(ch.path)}">{ch.name}</a>&nbsp;>&nbsp;'
                f'<a href="{esc(section.scheme.list_aliases()[0])}">{name}</a>')
    tail = " &gt; 正文" if article else ""
    return (f'<a href="/">首页</a> &gt; <a href="{esc(ch.path)}">{ch.name}</a> &gt; '
            f'<a href="{esc(lst)}">{name}</a>{tail}')


def _date(a: Article, fmt: str) -> str:
    return a.published.strftime(fmt)


def meta_line(a: Article, section: Section, ctx: Ctx, doc_id: int) -> str:
    """The line under the headline: time, source, author, an empty read counter."""
    src = esc(a.source)
    fam = section.family
    if fam == "chaotian":
        when = f"{a.published.year}年{a.published:%m}月{a.published:%d}日 {a.published:%H:%M}"
        return f'时间:{when}&nbsp;&nbsp;&nbsp;来源:{src}&nbsp;&nbsp;&nbsp;阅读:<span id="hits"></span>'
    if fam == "trs":
        author = "" if a.author_field is None else (
            f'\n\t\t\t\t\t<span class="xqLyPc">作者：{esc(a.author_field)}</span>')
        return (f'<span class="xqLyPc time">发布时间：{_date(a, "%Y-%m-%d %H:%M")}</span>\n'
                f'\t\t\t\t\t<span class="xqLyPc">来源：{src}</span>{author}\n'
                f'\t\t\t\t\t<span class="xqLyPc">浏览次数：<span id="hits"></span></span>')
    if fam == "hanweb":
        return (f'\t\t\t\t<span>发布日期：{_date(a, "%Y-%m-%d")}</span>\n'
                f'\t\t\t\t<span>浏览次数：<script language="javascript" src="/module/visitcount/'
                f'articlehits.jsp?colid=1561003&amp;artid={doc_id}"></script></span>\n'
                f'\t\t\t\t<span>信息来源：<!--<$[信息来源]>begin-->{src}<!--<$[信息来源]>end--></span>')
    if fam == "phpcms":
        return (f'{_date(a, "%Y-%m-%d %H:%M:%S")}&nbsp;&nbsp;&nbsp;来源：{src}&nbsp;&nbsp;&nbsp;'
                '评论：<a href="#comment_iframe" id="comment">0</a> 点击：<span id="hits"></span>')
    if fam == "dede":
        return (f'<small>时间:</small>{_date(a, "%Y-%m-%d")}<small>来源:</small>{src}'
                f'<small>作者:</small>{esc(a.author_field)}<small>点击:</small>'
                f'<script src="/plus/count.php?view=yes&amp;aid={doc_id}&amp;mid=1" '
                "type='text/javascript' language=\"javascript\"></script>次")
    if fam == "empire":
        return (f'发布日期：{_date(a, "%Y/%m/%d")}&emsp;信息来源：{src}&emsp;浏览：'
                f'<script src=/e/public/ViewClick/?classid=5&amp;id={doc_id}&amp;addclick=1></script>次')
    return (f'<span class="m-con-time">{_date(a, "%Y-%m-%d %H:%M:%S")}</span>'
            f'<span class="m-con-source">来源：<a href="javascript:;">{src}</a></span>')


def _paragraph(fam: str, text: str, right: bool) -> str:
    t = esc(text)
    if right:
        return f'<p style="text-align: right;">{t}</p>'
    return {
        "chaotian": f'<p style="text-indent: 2em;">{t}</p>',
        "trs": f"<p>\u3000\u3000{t}</p>",
        "hanweb": f"<p>\u3000\u3000{t}</p>",
        "phpcms": f"<p>\n\t{t}</p>",
        "dede": f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{t}</p>",
        "empire": f'<p style="text-align: justify;">{t}</p>',
    }.get(fam, f"<p>{t}</p>")


def _picture(fam: str, src: str) -> str:
    if fam == "trs":
        name = src.rsplit("/", 1)[-1]
        return f'<p align="center"><img src="{src}" OLDSRC="{esc(name)}" border="0" /></p>'
    if fam == "hanweb":
        return f'<p style="text-align:center"><img src="{src}" title="" border="0"></p>'
    return f'<p style="text-align: center;"><img src="{src}" border="0" alt="" /></p>'


def body_html(a: Article, section: Section, ctx: Ctx, page: int) -> str:
    """The article body as the family marks it up; picture captions centred under pictures."""
    fam = section.family
    right = set()
    if BY_KEY[a.section].kind == "notice":
        right = {a.paragraphs[-1], a.paragraphs[-2]}
    out = []
    for kind, value in a.page_blocks(page):
        if kind == "p":
            out.append(_paragraph(fam, str(value), str(value) in right))
        elif kind == "img":
            src = href(section, ctx, ctx.portal.picture_path(a, int(str(value))))
            out.append(_picture(fam, src))
        else:
            style = 'align="center"' if fam == "trs" else 'style="text-align: center;"'
            out.append(f"<p {style}>{esc(str(value))}</p>")
    return "\n".join(out)


def attachments_html(a: Article, section: Section, ctx: Ctx) -> str:
    if not a.attachments:
        return ""
    links = []
    for n, f in enumerate(a.attachments, start=1):
        target = href(section, ctx, ctx.portal.attachment_path(a, n))
        links.append(f'<a href="{target}" target="_blank">{esc(f.text)}</a>')
    fam = section.family
    if fam == "trs":
        items = "".join(f"<li>{link}</li>" for link in links)
        return f'\t\t\t\t<div class="fujian">附件：<ul>{items}</ul></div>'
    if fam == "hanweb":
        return '\t\t<div class="fj"><p>相关附件：</p>' + "".join(f"<p>{x}</p>" for x in links) + "</div>"
    if fam == "phpcms":
        return '\t\t\t<div class="fujian"><strong>附件下载：</strong>' + " ".join(links) + "</div>"
    label = "附件：" if fam != "empire" else "<p>附件：</p>"
    return f'\t\t<div class="fujian">{label}' + "".join(f"<p>{x}</p>" for x in links) + "</div>"


def editor_html(a: Article, section: Section) -> str:
    if not a.editor:
        return ""
    e = esc(a.editor)
    return {
        "chaotian": f'\t\t<div class="detail_editor">责任编辑：{e}</div>',
        "trs": f'\t\t\t\t<div class="editor">（责任编辑：{e}）</div>',
        "hanweb": f'\t\t<div class="bjcss">编辑：{e}</div>',
        "phpcms": f'\t\t\t<p class="editor">责任编辑：{e}</p>',
        "dede": f'\t\t<div class="editor">责任编辑：{e}</div>',
        "founder": f'\t<div class="m-editor">[责编：{e}]</div>',
    }.get(section.family, f'<div class="editor">责任编辑：{e}</div>')


def deck_html(a: Article, section: Section) -> str:
    if not a.subtitle:
        return ""
    if section.family == "chaotian":
        return f'\t\t<div class="detail_yt">{esc(a.subtitle)}</div>'
    if section.family == "trs":
        return f'\t\t\t<h3 class="neiright_subTitle">{esc(a.subtitle)}</h3>'
    return ""


def neighbour_html(entry: Entry | None, section: Section, ctx: Ctx) -> str:
    if entry is None:
        return "没有了"
    target = href(section, ctx, entry.path)
    q = "'" if section.family in ("dede", "empire") else '"'
    return f"<a href={q}{target}{q} title={q}{esc(entry.title)}{q}>{esc(entry.title)}</a>"


def pager_html(a: Article, section: Section, ctx: Ctx, page: int) -> str:
    """The in-article pager of a multi-page article (下一页 inside the body area)."""
    if a.pages == 1:
        return ""
    paths = [ctx.portal.path(a, p) for p in (1, 2)]
    if section.family == "dede":
        base = [p.rsplit("/", 1)[-1] for p in paths]
        prev = f"<li><a href='{base[0]}'>上一页</a></li>" if page == 2 else "<li><a href='#'>上一页</a></li>"
        nxt = f"<li><a href='{base[1]}'>下一页</a></li>" if page == 1 else "<li><a href='#'>下一页</a></li>"
        nums = "".join(
            f"<li class=\"thisclass\"><a href='#'>{n}</a></li>" if n == page
            else f"<li><a href='{base[n - 1]}'>{n}</a></li>" for n in (1, 2))
        return f'<div class="dede_pages"><ul class="pagelist"><li><a>共2页: </a></li>{prev}{nums}{nxt}</ul></div>'
    links = [href(section, ctx, p) for p in paths]
    nums = "&nbsp;".join(
        f'<span class="current">{n}</span>' if n == page else f'<a href="{links[n - 1]}">{n}</a>'
        for n in (1, 2))
    nxt = f'&nbsp;<a href="{links[1]}">下一页</a>' if page == 1 else f'&nbsp;<a href="{links[0]}">上一页</a>'
    if section.family == "phpcms":
        return nums + nxt
    return f'\t\t<div class="page_box" id="articlePager">{nums}{nxt}</div>'


def _description(a: Article) -> str:
    text = a.paragraphs[1] if a.paragraphs[0].startswith("□") else a.paragraphs[0]
    return esc(text[:100])


# ---- pages ------------------------------------------------------------------------------------


def article_page(ctx: Ctx, a: Article, section: Section, page: int) -> str:
    """One page of an article as served in ``section`` (its home, or where it is republished)."""
    portal = ctx.portal
    scheme = section.scheme
    doc_id = scheme.doc_id(a.index)
    prev, nxt = portal.neighbours(section.key, portal.path(a) if section.key == a.section else ctx.path)
    url = f"http://{ctx.host}{ctx.path}"
    values = {
        "title": esc(a.title), "keywords": esc(f"{vocab.COUNTY},{section.name}"),
        "description": _description(a), "crumbs": crumbs(section, ctx, article=True),
        "meta": meta_line(a, section, ctx, doc_id), "deck": deck_html(a, section),
        "body": body_html(a, section, ctx, page), "pager": pager_html(a, section, ctx, page),
        "attachments": attachments_html(a, section, ctx), "editor": editor_html(a, section),
        "prev": neighbour_html(prev, section, ctx), "next": neighbour_html(nxt, section, ctx),
        "doc_id": str(doc_id), "section_name": section.name, "channel_name": section.channel.name,
        "host": esc(ctx.host), "url": esc(url), "source": esc(a.source),
        "author": esc(a.author_field), "editor_meta": esc(a.editor),
        "pubdate": {
            "trs": _date(a, "%Y-%m-%d %H:%M"), "hanweb": _date(a, "%Y-%m-%d %H:%M"),
        }.get(section.family, _date(a, "%Y-%m-%d %H:%M:%S")),
        "pubday": _date(a, "%Y-%m-%d"), "maketime": _date(a, "%Y-%m-%d %H:%M:%S"),
        "guid": f"{a.published.year}{doc_id}", "channel": section.key,
        "comment_id": f"content_{section.key}-{doc_id}-1",
    }
    return _page(f"article_{section.family}.html", ctx, **values)


def _short(title: str, limit: int = 24) -> str:
    return title if len(title) <= limit else title[:limit] + "..."


def list_item(e: Entry, section: Section, ctx: Ctx) -> str:
    target = href(section, ctx, e.link)
    t = esc(e.title)
    day = e.published.strftime("%Y-%m-%d")
    fam = section.family
    if fam == "trs":
        return f'\t\t\t\t\t<li><a href="{target}" target="_blank" title="{t}">{t}</a><span class="date">{day}</span></li>'
    if fam == "hanweb":
        return (f'<record><![CDATA[\n<li><a href="{target}" title="{t}" target="_blank">'
                f"{esc(_short(e.title))}</a><span>{day}</span></li>]]></record>")
    if fam == "phpcms":
        return f'\t\t\t<li><span class="rt">{day}</span>·<a href="{target}" target="_blank">{t}</a></li>'
    if fam == "dede":
        hits = int(hashlib.md5(e.path.encode()).hexdigest()[:4], 16) % 900 + 20
        intro = esc(e.article.paragraphs[-1][:60]) if e.article else ""
        return (f"\t\t\t\t<li><a href='{target}' class='title'>{t}</a><span class='info'><small>日期："
                f"</small>{day} <small>点击：</small>{hits}</span><p class='intro'>{intro}...</p></li>")
    if fam == "empire":
        return f'\t\t\t<li><span>[{day}]</span><a href="{target}" title="{t}" target="_blank">{t}</a></li>'
    if fam == "founder":
        when = e.published.strftime("%Y-%m-%d %H:%M")
        return f'\t\t\t<li><a href="{target}" target="_blank">{t}</a><span class="time">{when}</span></li>'
    return f'\t\t\t<li><a href="{target}" target="_blank" title="{t}">{t}</a><span>{day}</span></li>'


def list_pages(portal: DemoPortal, section: Section) -> int:
    if section.key in ("ldhd", FAULT_SECTION.key):
        return 1
    return max(1, -(-len(portal.entries(section.key)) // section.per_page))


def _numbered(pages: int, page: int, link: Callable[[int], str], *, sep: str = " ", current: str = "<span>{n}</span>",
              first: str = "首页", last: str = "尾页", lead: str = "") -> str:
    """Plain 首页/上一页/1 2 3/下一页/尾页 links, as PHPCMS, EmpireCMS and newspaper CMSs write."""
    parts = [lead] if lead else []
    if page > 1:
        parts += [f'<a href="{link(1)}">{first}</a>', f'<a href="{link(page - 1)}">上一页</a>']
    lo, hi = max(1, page - 4), min(pages, page + 4)
    parts += [current.format(n=n) if n == page else f'<a href="{link(n)}">{n}</a>' for n in range(lo, hi + 1)]
    if page < pages:
        parts += [f'<a href="{link(page + 1)}">下一页</a>', f'<a href="{link(pages)}">{last}</a>']
    return sep.join(parts)


def list_pager(section: Section, ctx: Ctx, page: int, pages: int, total: int) -> str:
    style = section.style
    if style == "trs_createpagehtml":
        return (f'<script language="javascript" type="text/javascript">createPageHTML({pages}, '
                f'{page - 1}, "index", "html");</script>')
    if style == "phpcms_pages":
        base = esc(section.scheme.list_path(1))
        return _numbered(pages, page, lambda n: f"{base}&amp;page={n}", lead=f'<a class="a1">{total}条</a>')
    if style == "dedecms_list":
        def link(n: int) -> str:
            return section.scheme.list_path(n).rsplit("/", 1)[-1]
        lis = []
        lis.append(f"<li><a href='{link(1)}'>首页</a></li>" if page > 1 else "<li><a>首页</a></li>")
        if page > 1:
            lis.append(f"<li><a href='{link(page - 1)}'>上一页</a></li>")
        for n in range(max(1, page - 4), min(pages, page + 4) + 1):
            lis.append(f'<li class="thisclass"><a>{n}</a></li>' if n == page else f"<li><a href='{link(n)}'>{n}</a></li>")
        if page < pages:
            lis.append(f"<li><a href='{link(page + 1)}'>下一页</a></li>")
            lis.append(f"<li><a href='{link(pages)}'>末页</a></li>")
        lis.append(f'<li><span class="pageinfo">共 <strong>{pages}</strong>页<strong>{total}</strong>条</span></li>')
        return "\n".join(f"\t\t\t\t{x}" for x in lis)
    if style == "index_n_links":
        return _numbered(pages, page, lambda n: esc(section.scheme.list_path(n)), sep="&nbsp;",
                         current="<b>{n}</b>", lead=f'<a title="Total record">&nbsp;<b>{total}</b> </a>&nbsp;&nbsp;')
    if style == "page_param":
        return _numbered(pages, page, lambda n: f"?page={n}", current='<span class="cur">{n}</span>') + f" 共{pages}页"
    if style == "endless_pagination":
        prev = f'<a href="{esc(section.scheme.list_path(page - 1).rsplit("/", 1)[-1])}">上一页</a>&nbsp;' if page > 1 else ""
        nxt = esc(section.scheme.list_path(page + 1).rsplit("/", 1)[-1])
        return f'{prev}<span class="current">第{page}页</span>&nbsp;<a href="{nxt}">下一页</a>'
    return ""


def list_page(ctx: Ctx, section: Section, page: int) -> str | None:
    """List page ``page`` (1-based) of a section, or None past its last page."""
    portal = ctx.portal
    entries = portal.entries(section.key)
    pages = list_pages(portal, section)
    if section.style == "endless_pagination":
        shown = entries
    elif page > pages or page < 1:
        return None
    else:
        shown = entries[(page - 1) * section.per_page: page * section.per_page]
    items = "\n".join(list_item(e, section, ctx) for e in shown)
    values = {
        "section_name": section.name, "channel_name": section.channel.name,
        "crumbs": crumbs(section, ctx, article=False), "items": items, "host": esc(ctx.host),
        "pager": list_pager(section, ctx, page, pages, len(entries)),
    }
    if section.family == "trs":
        values.update(current=str(page - 1), count=str(pages))
    if section.family == "hanweb":
        return hanweb_list(ctx, section, values)
    return _page(f"list_{section.family}.html", ctx, **values)


def hanweb_params(scheme: HanwebScheme) -> str:
    name = quote(quote("示范县人民政府"))
    return (f"appid=1&webid={scheme.web}&path=/&columnid={scheme.column}&unitid={scheme.unit}"
            f"&webname={name}&permissiontype=0")


def hanweb_list(ctx: Ctx, section: Section, values: dict[str, str]) -> str:
    """The Hanweb column page: first group of records in an inline XML datastore."""
    scheme = section.scheme
    assert isinstance(scheme, HanwebScheme)
    entries = ctx.portal.entries(section.key)
    records = "\n".join(list_item(e, section, ctx) for e in entries[: section.per_page])
    values.update(
        records=records, unit=str(scheme.unit), web=str(scheme.web), column=str(scheme.column),
        per_page=str(section.per_page), total=str(len(entries)),
        nextgroup=esc("/module/web/jpage/dataproxy.jsp?page=1&" + hanweb_params(scheme)),
    )
    values.pop("items")
    values.pop("pager")
    return _page("list_hanweb.html", ctx, **values)


def dataproxy(ctx: Ctx, section: Section, start: int, end: int) -> str:
    """The XML a Hanweb ``dataproxy.jsp`` POST returns: records ``start``..``end`` (1-based)."""
    entries = ctx.portal.entries(section.key)
    chosen = entries[max(0, start - 1): max(0, end)]
    pages = max(1, -(-len(entries) // section.per_page))
    records = "\n".join(list_item(e, section, ctx) for e in chosen)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<totalrecord>{len(entries)}'
            f"</totalrecord>\n<totalpage>{pages}</totalpage>\n<recordset>\n{records}\n</recordset>\n"
            "</datastore>\n")


def _block(ctx: Ctx, section: Section, limit: int = HOME_ITEMS) -> str:
    items = []
    for e in ctx.portal.entries(section.key)[:limit]:
        link = e.link.split("?from=")[0]
        items.append(f'<li><span>{e.published:%m-%d}</span><a href="{esc(link)}" target="_blank" '
                     f'title="{esc(e.title)}">{esc(_short(e.title, 30))}</a></li>')
    more = esc(section.scheme.list_path(1))
    return (f'\t<div class="block"><h3><a href="{more}">{section.name}</a><a class="more" href="{more}">'
            f'更多&gt;&gt;</a></h3><ul>{"".join(items)}</ul></div>')


def home_page(ctx: Ctx) -> str:
    portal = ctx.portal
    blocks = "\n".join(_block(ctx, s) for s in portal.sections_in_use())
    newest = max(portal.articles, key=lambda a: a.published, default=None)
    headline = "欢迎访问" + vocab.SITE_NAME
    if newest is not None:
        headline = f'<a href="{esc(portal.path(newest))}" target="_blank">{esc(newest.title)}</a>'
    return _page("home.html", ctx, headline=headline, blocks=blocks)


def channel_page(ctx: Ctx, key: str) -> str:
    channel = CHANNELS[key]
    sections = [s for s in ctx.portal.sections_in_use() if s.channel == channel]
    blocks = "\n".join(_block(ctx, s, 10) for s in sections)
    return _page("channel.html", ctx, channel_name=channel.name, blocks=blocks)


def error_page(status: int, reason: str) -> str:
    return template("error.html").render(status=str(status), reason=reason)


def challenge_page(kind: str, path: str) -> str:
    """An anti-bot challenge, Ruishu-style: obfuscated script that sets a cookie and reloads.

    It never clears here: the demo keeps no content behind its challenges.
    """
    digest = hashlib.sha256(f"{kind}:{path}".encode()).hexdigest()
    common = {
        "meta_id": digest[:22], "meta_content": digest * 3, "nsd": str(int(digest[:5], 16)),
        "cd": "".join(chr(ord("a") + int(c, 16) + (i % 10)) for i, c in enumerate(digest * 6)),
        "js_dir": digest[22:35],
    }
    if kind == "challenge_412":
        return template("challenge_412.html").render(
            cookie_t="FSSBBIl1UgzbN7N80T", js_name=f"c.FxJzG50F.{digest[40:47]}", **common)
    # The 202 variant hides its cookie and reload calls behind a rotated string table.
    return template("challenge_202.html").render(
        k1=digest[:4], k2=digest[4:8], p1=digest[8:24], p2=digest[24:40], rot="7",
        cookie_t="NfBCSins2OywT", js_name=f"d.{digest[47:55]}", **common)
