"""The fault section: pages that misbehave at the HTTP or byte level, and what each one does.

Real portals time out, cut bodies short, reset connections, loop redirects, page forever and
serve junk. With ``faults=True`` the demo portal gains a 故障测试 section whose list links to
one page of each kind, so a crawler's error handling can be tested over a real socket. The
server (server.py) carries out the byte-level behaviours; this module only names them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

ROOT = "/fault/"


@dataclass(frozen=True)
class FaultPage:
    name: str  # file name under /fault/
    kind: str  # what it does (the key it is reported under)
    title: str  # the list title that leads to it
    article: bool  # True: a real article a correct crawl must still archive


FAULT_PAGES: tuple[FaultPage, ...] = (
    FaultPage("recover500.html", "recover_500", "城关镇开展汛前水库安全隐患排查", True),
    FaultPage("recover503.html", "recover_503", "青山镇召开秋季森林防火工作会", True),
    FaultPage("cycle_a.html", "prevnext_cycle", "白河镇推进农村人居环境整治", True),
    FaultPage("cycle_b.html", "prevnext_cycle", "龙泉乡开展防溺水安全教育", True),
    FaultPage("selflink.html", "self_link", "石桥镇举办乡村振兴技能培训", True),
    FaultPage("wrong_charset.html", "wrong_charset", "柳林乡茶叶采摘季用工需求旺盛", True),
    FaultPage("slow.html", "timeout", "桃源镇召开安全生产形势分析会", False),
    FaultPage("cut.html", "truncated", "双河镇推进高标准农田建设", False),
    FaultPage("reset.html", "reset", "清水乡开展消防安全大检查", False),
    FaultPage("loop_a.html", "redirect_loop", "红星镇召开基层治理工作推进会", False),
    FaultPage("challenge.html", "challenge_412", "新华乡开展送法下乡活动", False),
    FaultPage("huge.html", "oversize", "东溪镇公布年度财政预算执行情况", False),
    FaultPage("huge_stream.html", "oversize", "云台镇公布年度项目建设清单", False),
    FaultPage("binary.html", "binary", "金竹乡召开茶产业发展座谈会", False),
    FaultPage("empty.html", "empty", "马鞍镇启动春耕生产", False),
)

# The second hop of the redirect loop: not listed, reached only by following loop_a.
LOOP_B = "loop_b.html"

# Prev/next links of the fault articles: (上一条, 下一条) by file name; None is 没有了.
NEIGHBOURS: dict[str, tuple[str | None, str | None]] = {
    "cycle_a.html": ("cycle_b.html", "cycle_b.html"),
    "cycle_b.html": ("cycle_a.html", "cycle_a.html"),
    "selflink.html": ("selflink.html", "selflink.html"),
}

BY_NAME: dict[str, FaultPage] = {p.name: p for p in FAULT_PAGES}


def junk(size: int = 4096) -> bytes:
    """Binary junk (with NULs and invalid UTF-8) to be served as text/html."""
    rng = random.Random("demo:junk")
    return b"\x00\x89PNG\r\n\x1a\n" + bytes(rng.getrandbits(8) for _ in range(size))


def filler_chunks(total: int, chunk: int = 64 * 1024):
    """A well-formed but enormous page, yielded in chunks so it is never held in memory."""
    head = b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>\xe5\xa4\xa7\xe6\x96\x87\xe4\xbb\xb6</title></head><body>"
    line = "<p>本页用于测试超大页面的处理，内容重复。</p>\n".encode()
    block = line * (chunk // len(line))
    sent = 0
    yield head
    sent += len(head)
    while sent + len(block) < total:
        yield block
        sent += len(block)
    tail = b"</body></html>"
    rest = max(0, total - sent - len(tail))
    yield (line * (rest // len(line) + 1))[:rest] + tail
