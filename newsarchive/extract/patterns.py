"""Knowledge about page shapes, kept as data: label words, separators, class hints.

Everything the extractors know about how Chinese government and news portals write
their pages lives here, so a new label or CMS marker is a one-line change.
"""

from __future__ import annotations

import re

# Labels that introduce a field in a meta line or a byline, longest first so that
# "信息来源" wins over "来源".
SOURCE_LABELS = ("信息来源", "文章来源", "新闻来源", "稿件来源", "内容来源", "来源于", "来源", "稿源", "出处")
AUTHOR_LABELS = ("作者", "记者", "采写", "撰稿人", "撰稿", "撰文", "通讯员", "摄影", "摄像", "文图", "供稿")
EDITOR_LABELS = ("责任编辑", "责编", "编辑")
# The office an information-disclosure box (政府信息公开) names: the source where the page
# names none after a 来源-type label (LABEL_SPEC.md).
ISSUER_LABELS = ("发布机构", "发文机关", "责任部门", "发布单位")
# Labels whose values are not fields we keep, but which end the value before them.
OTHER_LABELS = (
    "审核", "审校", "校对", "终审", "初审", "签发", "监制", "主编", "值班编辑",
    "字号", "字体", "分享到", "分享", "打印", "所属分类", "标签", "关键词",
    "评论", "人气", "热度", "责任单位",
)
DATE_LABELS = ("发布时间", "发布日期", "发稿时间", "发表时间", "更新时间", "成文日期", "时间", "日期")
# Dates that are not the publication's: a document's signing date (成文日期, shown in
# 政府信息公开 tables next to 发布日期) and a later edit.
SECONDARY_DATE_LABELS = ("成文日期", "更新时间")
READ_LABELS = ("阅读次数", "浏览次数", "访问次数", "点击次数", "点击数", "点击量", "阅读量", "浏览量", "阅读", "浏览", "点击", "访问量")



def alternatives(words: tuple[str, ...]) -> str:
    """A regex alternation of label words, longest first (so 信息来源 wins over 来源)."""
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


ALL_LABELS = SOURCE_LABELS + AUTHOR_LABELS + EDITOR_LABELS + ISSUER_LABELS + OTHER_LABELS + DATE_LABELS + READ_LABELS

_label_alt = alternatives(ALL_LABELS)
# A label followed by a colon (half or full width); "文/" is a label without a colon.
# Staff labels also come with a slash before a name: "编辑/苏芳", "摄影/张艳".
_staff_alt = alternatives(AUTHOR_LABELS + EDITOR_LABELS)
LABEL_RE = re.compile(
    rf"(?P<label>{_label_alt})\s*[:：]|(?P<staff>{_staff_alt})\s*/(?=\s*[\u4e00-\u9fff])|(?P<slash>文\s*/|图\s*/|文图\s*/)"
    # "本文来源于北京商报": a source named in a sentence, without a colon.
    r"|(?:本文|本稿|文章)(?P<sourced>来源于)\s*(?=[\u4e00-\u9fff《])"
)

# Breadcrumb introductions and separators.
# 当前位置 / 您的位置 / 您当前的位置 / 您的当前位置 / 你现在所在的位置 / 所在位置 / 位置
BREADCRUMB_INTRO_RE = re.compile(
    r"^\s*(?:[您你]的?)?(?:当前|现在|目前)?的?(?:所[在处]的?)?(?:位置|路径)\s*[:：]?\s*"
)
BREADCRUMB_SEPARATORS_RE = re.compile(r"\s*(?:>>|»|›|＞＞|>|＞|→|/|\\|－|—|-{1,2}|·)\s*")
BREADCRUMB_CLASS_RE = re.compile(
    r"bread|crumb|position(?!-(?:relative|absolute|fixed|sticky|static))|location|dqwz|weizhi|path|currentpos|curpos|mbx", re.I
)
BREADCRUMB_TAIL = ("正文", "内容", "详情", "文章详情", "正文内容", "阅读文章")

# Neighbour links.
PREV_LABELS = ("上一条", "上一篇", "上篇", "上一则", "上一个", "前一篇")
NEXT_LABELS = ("下一条", "下一篇", "下篇", "下一则", "下一个", "后一篇")
NO_NEIGHBOUR_RE = re.compile(r"没有了|无|暂无|已是第一|已是最后|已经是|没有上|没有下|^\s*$")

# File types recorded as attachments.
ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "ofd", "zip", "rar", "7z", "ppt", "pptx", "txt", "csv")
ATTACHMENT_RE = re.compile(r"\.(?:" + "|".join(ATTACHMENT_EXTENSIONS) + r")(?:$|[?#])", re.I)

# Class/id hints of content containers used by CMS families (TRS WCM, Hanweb, Founder, Dede...).
CONTENT_HINT_RE = re.compile(
    r"trs_editor|trs_paper|article|content|zoom|detail|text|neirong|zw|main_?txt|body|main|entry|post|news_?txt|show|con_?box|wenzhang|rm_txt",
    re.I,
)
NEGATIVE_HINT_RE = re.compile(
    r"comment|footer|foot|header|head(?!ing|line)|nav|menu|sidebar|side|share|related|relate|xgxw|xgwz|recommend|tuijian|hot|rank|"
    r"copyright|banner|ad[-_]|advert|links?$|friend|weixin|qrcode|erweima|toolbar|tool|print|font|breadcrumb|crumb|position|"
    r"page_?turn|pager|pagination|prev|next|sxy|sxp|tags?$|keyword|login|search|bottom|top_|banquan|mianze|disclaimer|statement|shengming",
    re.I,
)
# A class or id word naming a whole region of page furniture (site header, menu, footer,
# copyright notice): no prose inside it is the article. Matched per word, at its start.
FURNITURE_WORDS = (
    "nav", "header", "foot", "menu", "sidebar", "bottom", "related", "xgxw", "xgwz", "comment", "crumb",
    "copyright", "banquan", "mianze", "disclaimer", "friendlink",
)  # substrings that make an element worth the closer test below
FURNITURE_WORD_RE = re.compile(
    r"^(?:(?:nav|navbar|header|foot|menu|sidebar|bottom|related|xgxw|xgwz|comment|breadcrumb|crumb)(?:$|[-_\d])|"
    r"footer|copyright|banquan|mianze|disclaimer|friendlink)",
    re.I,
)
TITLE_HINT_RE = re.compile(r"title|biaoti|bt|headline|heading|tit|h_?title|art_?tit|news_?tit", re.I)
SUBTITLE_HINT_RE = re.compile(r"sub_?title|subtitle|fu_?title|futi|fbt|yinti|yt|pretitle|pre_?title|deck|sub_?head|second_?title|vice", re.I)

# Whole lines that are page furniture, not article text.
JUNK_LINE_RE = re.compile(
    r"^[\[【(（]?\s*(?:"
    r"责任编辑|责编|编辑|审核|校对|终审|初审|签发|监制|纠错|打印|关闭|关闭窗口|打印本页|打印文章|收藏|分享到?|字[体号]|字体大小|"
    r"扫一扫|扫描二维码|微信扫|手机扫|相关(?:新闻|阅读|文章|链接|推荐)|推荐阅读|延伸阅读|热点推荐|返回顶部|返回列表|"
    r"上一(?:条|篇|则)|下一(?:条|篇|则)|上篇|下篇|【?\s*我要纠错|版权所有|Copyright|ICP备|网站标识码|点击(?:排行|数)|"
    r"来源|信息来源|文章来源|发布时间|发布日期|浏览次数|阅读次数|分享至|点击(?:进入|查看|阅读|这里)"
    r")",
    re.I,
)
# Bracketed widget words printed among the text: "【纠错】", "【打印】", "[关闭窗口]".
WIDGET_TOKEN_RE = re.compile(r"[【\[]\s*(?:我要)?(?:纠错|打印(?:本页|文章)?|关闭(?:窗口|本页)?|收藏|返回顶部|加入收藏)\s*[】\]]")
# Lines that end the article: anything after them is furniture.
END_MARKER_RE = re.compile(
    r"^[\[【(（]?\s*(?:相关(?:新闻|阅读|文章|链接|稿件|推荐)|推荐阅读|延伸阅读|热点推荐|热门推荐|猜你喜欢|上一(?:条|篇)|下一(?:条|篇)|"
    r"上篇|下篇|分享到|【?我要纠错|打印本页|关闭窗口|扫一扫在手机|扫描二维码|(?:网友|新闻|读者|最新|热门)评论\s*(?:[(（]\d+[)）])?\s*$|发表评论|我要评论|(?:版权(?:与免责)?声明|免责声明)\s*[:：]?\s*$)"
)
# Staff lines like "（责任编辑：张三）", "【编辑：姚昊】", "作者：李四", possibly with other staff.
_STAFF_LINE = r"^[\[【(（]?\s*(?:原标题[:：].*|(?:{labels})\s*[:：].*)[\]】)）]?\s*$"
EDITOR_LINE_RE = re.compile(_STAFF_LINE.format(labels="责任编辑|责编|编辑|审核|校对|审校|终审|初审|监制|来源|作者|记者|摄影|通讯员"))
# The staff lines the body leaves out: editors and reviewers (not bylines, which are
# printed as part of the article).
NOT_BODY_LINE_RE = re.compile(_STAFF_LINE.format(labels="责任编辑|责编|编辑|审核|校对|审校|终审|初审|监制|来源"))

# Reporter bylines in the lead of the body.
# "本报讯（记者 张三 李四）", "新华社北京5月9日电（记者 王五）", "(广元日报全媒体记者 蒲洪旭)"
LEAD_BYLINE_RE = re.compile(
    r"^.{0,40}?(?:电|讯|报道|消息)?\s*[（(]\s*(?P<inner>[^（）()]{0,60}?(?:记者|通讯员|作者|特约撰稿人?)[^（）()]{0,60}?)\s*[）)]"
)
# "□ 本报记者 张三", "本报记者 王乐文 方 敏", "■ 记者 张三 通讯员 李四"
# An outlet may be a pair: "中青报·中青网记者 魏其濛".
# Staff printed after the reporters on a byline line, without a colon ("每经编辑 李四").
STAFF_AFTER_BYLINE_RE = re.compile(r"\s+\S{0,4}(?:责任编辑|编辑|责编|审核|校对|审校)(?=\s|$)")
STANDALONE_BYLINE_RE = re.compile(
    r"^[□■◎●○\s]*(?:(?:本报|本台|本网|本刊|[\u4e00-\u9fff]{2,8}(?:日报|晚报|报|网|台|新闻|融媒体中心))[·•、/]?){0,3}"
    r"[\u4e00-\u9fff]{0,8}?\s?(?:全媒体|融媒体)?(?:首席|特约|见习|实习)?(?:记者|通讯员)\s*(?P<names>[^，。,.；;:：!！?？]{2,40})$"
)
# Words inside a byline that are not names.
BYLINE_NOISE_RE = re.compile(
    r"本报|本台|本网|新华社|中新社|人民网|全媒体|融媒体|首席|特约|见习|实习|记者|通讯员|摄影|摄像|撰稿|撰文|作者|报道|整合|整理|综合|采写|发自|编译|实习生|供图|供稿|文\s*/|图\s*/|文图|摄$|^摄|电$|讯$"
)
PERSON_NAME_RE = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,6}[·•][\u4e00-\u9fff]{1,8})$")

# An affiliation printed straight after a name, "方敏北京大学经济学院教授": it begins
# with a place or national word and names an institution or a post.
AFFILIATION_RE = re.compile(
    r"^(?:中国|中共|中央|国家|国务院|全国|北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|"
    r"湖北|湖南|广东|广州|深圳|海南|四川|成都|贵州|云南|陕西|西安|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门|"
    r"清华|复旦|南开|同济|武汉|南京|中山|厦门|华中|华南|华东|华北|西南|西北|东北|省|市|县|区)"
    r"[\u4e00-\u9fff]*(?:大学|学院|党校|研究院|研究所|研究中心|科学院|社科院|委员会|协会|学会|中心|局|厅|部|委|办)"
    r"[\u4e00-\u9fff]*$"
)
# Visible separators in a source value after which the value stops.
SOURCE_STOP_RE = re.compile(r"\s{2,}|\u3000|[|｜丨]|\s(?=\d{4}[-/年])|\d{4}[-/年]\d|\s+(?:作者|编辑|责任编辑|浏览|阅读|字号|打印|分享)")
# An outlet's name before a role word: "广元日报全媒体记者", "新华社记者", "北京青年报记者".
OUTLET_BEFORE_ROLE_RE = re.compile(
    r"[\u4e00-\u9fff]{1,12}?(?:日报|晚报|早报|商报|时报|报社|报|网|社|台|电视台|广播电视台|融媒体中心|中心|客户端|杂志)(?=\s*(?:全媒体|融媒体|首席|特约|见习|实习)?\s*(?:记者|通讯员|摄影|摄像))"
)

# A signature closing the last paragraph: "(文/图 刘玺东 易赛楠)", "（记者 张三）".
TRAILING_BYLINE_RE = re.compile(
    r"[（(]\s*(?:文\s*/\s*图|图\s*/\s*文|文图|文|图|记者|作者|通讯员|摄影|撰稿)\s*[:：/]?\s*(?P<names>[^（）()]{2,30})[）)]\s*$"
)
# A signature of names alone, on a line of its own at the end: "（袁源）", "（张三 李四）".
TRAILING_NAMES_LINE_RE = re.compile(r"^[（(]\s*(?P<names>[\u4e00-\u9fff]{2,3}(?:[\s、，,]+[\u4e00-\u9fff]{2,3}){0,3})\s*[）)]$")
# What such a line says when it holds no name: "（待续）", "（完）", "（资料图）".
NOT_SIGNATURE_RE = re.compile(r"待续|未完|续完|全文完|完结|资料|图片|视频|供图|配图|题图|原标题|附件|注释|说明|摘要|节选|下同|同上")
# A dateline lead without the word 记者: "新华社北京5月19日电（刘艺、杨吉）".
DATELINE_NAMES_RE = re.compile(r"^.{0,30}?\d{1,2}日\s*(?:电|讯)\s*[（(](?P<inner>[^（）()]{2,30})[）)]")
# A dateline that opens a news story; lines above it are a headline block.
DATELINE_RE = re.compile(r"^.{0,30}?(?:\d{1,2}日\s*(?:电|讯)|本报讯|本报[\u4e00-\u9fff]{1,6}电|本台讯|本网讯)")
# A read count printed as text: "阅读 539", "浏览次数：56".
READ_COUNT_RE = re.compile(r"(?:阅读|浏览|点击|访问)(?:次数|量|数)?\s*[:：]?\s*(\d{1,9})(?!\d|\s*[-/年月])")
AD_HINT_RE = re.compile(r"(?:^|[\s_-])(?:ad|ads|advert|adv|guanggao|gg)(?:$|[\s_-])", re.I)
