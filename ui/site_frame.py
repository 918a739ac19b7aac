"""The site frame around every public page: the bureau's header, a labelled 菜单 on phones, the
footer with 主办单位 and contacts, Chinese for the framework's own words, and opening each page
(and each form step) at its top.

Streamlit has no setting for its English strings ("Skip to main content", "Upload", "5MB per
file", "Press Enter to submit form", "Choose an option"), so one small script translates those
text nodes in place as they appear. The same script moves focus for the error summary's links.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from portal.identity import Actor
from portal.prefiling import attachments as files
from portal.settings import get_settings
from portal.site import PORTAL_TITLE, Office, load_office
from portal.text.escape import html_escape
from ui.accessibility import PARAM as A11Y_PARAM
from ui.accessibility import page_link, with_choice
from ui.staff_nav import staff_links

# (page file, menu label) for the phone menu and the home page's doors
MENU = [
    ("pages/home.py", "首页"), ("pages/ask.py", "法律问答"), ("pages/laws.py", "法规库"),
    ("pages/cases.py", "典型案例"), ("pages/prefile.py", "网上预登记"), ("pages/lookup.py", "进度查询"),
    ("pages/guide.py", "信访指南"), ("pages/schedule.py", "接访日程"),
]

# What to do with a refused file: the chip's remove button, an ✕ with no word on it, named 删除 to a
# screen reader ("点 ×" was read out as 点乘; 删除 alone sent a sighted reader looking for the word)
REMOVE_IT = "请点文件名右边的叉号（删除）"
# English text node (exact, or a regular expression when it starts with ^) -> Chinese
FRAMEWORK_WORDS = {
    "Skip to main content": "跳到主要内容",
    "Upload": "选择文件",
    "Browse files": "选择文件",
    "Drag and drop files here": "把文件拖到这里",
    "Drag and drop a file here": "把文件拖到这里",
    "Press Enter to submit form": "按回车键提交",
    "Press Enter to apply": "按回车键确认",
    # a text area: Enter makes a new line; on a phone there is no Ctrl key, so name the button
    "^Press (?:Ctrl|⌘)\\+Enter to submit form$": "回车换行；写完请点下面的按钮",
    "^Press (?:Ctrl|⌘)\\+Enter to apply$": "回车换行；写完点页面空白处即可",
    "Choose an option": "请选择",
    "Choose options": "请选择（可多选）",
    "No results": "没有匹配的选项",
    "Add files": "添加文件",
    "Expand sidebar": "展开侧边导航",
    "Collapse sidebar": "收起侧边导航",
    "Sidebar": "侧边导航",
    "App pages": "网站页面",
    "Link to heading": "本节的链接",
    "Show password": "显示密码",
    "Hide password": "隐藏密码",
    "Open": "展开",
    "Close": "关闭",
    "progress": "进度",
    "file upload": "上传文件",
    "add icon": "添加文件",
    "^Remove (.+)$": "删除 $1",
    # a chosen file's size ("376.0B", "1.3MB") and the chip's label read aloud ("a.png, 376.0B")
    "^(\\d+)(?:\\.\\d+)?B$": "$1 字节",
    "^(\\d+(?:\\.\\d+)?)(KB|MB|GB)$": "$1 $2",
    "^(.+), (\\d+)(?:\\.\\d+)?B$": "$1，$2 字节",
    "^(.+), (\\d+(?:\\.\\d+)?)(KB|MB|GB)$": "$1，$2 $3",
    "^(\\d+(?:\\.\\d+)?)\\s*(KB|MB|GB) per file$": "每个文件不超过 $1 $2",
    # the staff tables' toolbar and the select boxes, as a screen reader names them
    "Show/hide columns": "显示或隐藏列",
    "Search": "搜索",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Clear value": "清除所选",
    "Clear all": "全部清除",
    "^(\\d+) options? available\\.$": "有 $1 个选项。",
    # the date and time boxes (接访日程管理, 数据看板): their parts, the button, what a screen reader hears
    "Choose date": "选择日期",
    "^year, (.+)$": "$1（年）", "^month, (.+)$": "$1（月）", "^day, (.+)$": "$1（日）",
    "^hour, (.+)$": "$1（时）", "^minute, (.+)$": "$1（分）",
    "^Selected Time: (.+)$": "已选时间：$1",
    # a table's search (操作日志 …)
    "Close Search": "关闭搜索",
    "Next Result": "下一个结果",
    "Previous Result": "上一个结果",
    "^(\\d+) results?$": "$1 个结果",
    "Select all": "全选",
    "^Select (\\d+) matches$": "选择这 $1 项",
    # a multi-select's chosen items (账号管理's 角色), the group a screen reader names
    "Selected values": "已选择的项",
    # a file the browser refuses (its type, its size): said in words under the file (FRAME_CSS)
    # (React writes "Error: " and the reason as two text nodes)
    "Error:": "错误：",
    "TypeError:": "错误：",
    # a refused type: REFUSED_TYPES, below
    "^File must be (\\d+)(?:\\.0)?MB or smaller\\.$": f"文件超过 $1 MB，不能上传。{REMOVE_IT}，另选文件。",
    # the connection lost (a phone between cells, a lift): Streamlit's dialog and notices; the boxes
    # keep what was typed, and the page reconnects by itself
    "Connection error": "网络连接中断",
    "Streamlit server is not responding. Are you connected to the internet?":
        "暂时连不上服务器，请检查手机网络。网络恢复后页面会自动重新连接，已填写的内容还在。",
    "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:":
        "暂时连不上服务器。网络恢复后页面会自动重新连接，已填写的内容还在。",
    "Connection lost. Please wait for the app to reconnect, then try again.": "网络中断。请等页面重新连接后再试。",
    "Connection timed out.": "连接超时，请稍后再试。",
    "Connecting": "正在连接",
    "Connecting to Streamlit server": "正在连接服务器",
    "Unable to connect to Streamlit server": "连不上服务器",
    "Please wait...": "请稍候……",
}
# A file of a type the uploader does not take: Streamlit says "<its MIME type> files are not allowed."
# (the type as the browser names it: text/plain, application/vnd.openxmlformats-…, or nothing for a
# name it does not know; not a citizen's words). Said with what to do instead, for a Word file above
# all (the letter a citizen most often has). Every uploader on the site takes files.UPLOAD_TYPES.
_INSTEAD = f"请另存为 PDF，或拍照后上传图片（{files.IMAGE_NAMES}）。{REMOVE_IT}。"
REFUSED_TYPES = {
    f"^application/(?:{mime}) files are not allowed\\.$": f"不能上传 {name} 文件。{_INSTEAD}"
    for name, mime in (
        ("Word", r"msword|vnd\.ms-word\S*|vnd\.openxmlformats-officedocument\.wordprocessingml\S*"),
        ("Excel", r"vnd\.ms-excel\S*|vnd\.openxmlformats-officedocument\.spreadsheetml\S*"),
        ("PPT", r"vnd\.ms-powerpoint\S*|vnd\.openxmlformats-officedocument\.presentationml\S*"))
} | {
    # an iPhone's photo as a file (from its Files app, or copied to a computer); picked from the
    # photo library, iOS hands the page a JPEG itself, since the uploader does not ask for HEIC
    "^image/hei[cf](?:-sequence)? files are not allowed\\.$":
        f"不能上传 HEIC 格式的照片。{files.HEIC_INSTEAD}{REMOVE_IT}。",
    "^(?:\\S+ )?files are not allowed\\.$":
        f"不能上传这种文件，只能上传 {files.ACCEPTED_NAMES}。可以另存为 PDF，或拍照后上传图片。{REMOVE_IT}。",
}
FRAMEWORK_WORDS |= REFUSED_TYPES
# A part of the page whose script did not arrive (the link dropped while it loaded: the browser
# keeps the failure until the page is loaded again): said under the page, with a button to reload.
BROKEN_PART = "__broken_part"
BROKEN_PART_NOTE = "网络中断后，页面有一部分没有加载出来。网络恢复后，请点这个按钮重新打开本页；已保存的内容还在，还没保存的需要重新填写。"
BROKEN_PART_NOTE_STAFF = ("网络中断后，页面有一部分没有加载出来。重新打开本页会退出登录：请先复制正在写的内容，"
                          "网络恢复后再点这个按钮，然后重新登录。")
# "Selected Date: December 05, 2026", as a screen reader hears a date box
FRAMEWORK_WORDS |= {f"^Selected Date: {month} (\\d+), (\\d+)$": f"已选日期：$2年{n}月$1日"
                    for n, month in enumerate(("January", "February", "March", "April", "May", "June", "July",
                                               "August", "September", "October", "November", "December"), 1)}

# The one rule of the focus watchers below (an error link's field, a button's rerun's next focus, a
# message brought into view, a cleared list's box): each puts the focus back on its element where it
# has fallen to the page's body (a slow run redrew the element, or took away the button pressed), for
# a few seconds. Never while the element it focused is still there: the focus left it for the page's
# body because the person clicked or tapped elsewhere, and the watcher stops for good. `keep.fallen()`:
# the focus is on the page's body and may be put back; `keep.took(el)`: the watcher's element holds
# the focus (it put it there, or found it there); `keep.again()`: it has held it before (a late take,
# done with preventScroll: the view must not jump); `keep.done()`: the person moved on.
_KEEPER = """function () {
    let mine = null, done = false;
    return {
      fallen: function () {
        const held = document.activeElement;
        if (done || (held && held !== document.body)) return false;
        if (mine && mine.isConnected) { done = true; return false; }
        return true;
      },
      took: function (el) { if (el && document.activeElement === el) mine = el; },
      again: function () { return mine !== null; },
      done: function () { return done; },
    };
  }"""

_SCRIPT = """
<script>
(function () {
  const words = %(words)s;
  const exact = new Map(), patterns = [];
  for (const [k, v] of Object.entries(words)) {
    if (k.startsWith('^')) patterns.push([new RegExp(k), v]); else exact.set(k, v);
  }
  const doc = window.document;
  doc.documentElement.lang = 'zh-CN';   // Streamlit's page says "en": a screen reader would read Chinese in an English voice
  // the one lookup: the Chinese for a framework string, or null when it is not one
  function zh(s) {
    if (!s) return null;
    if (exact.has(s)) return exact.get(s);
    for (const [re, v] of patterns) { if (re.test(s)) return s.replace(re, v); }
    return null;
  }
  const broken = /Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed/;
  function reloadBar() {
    if (doc.getElementById('portal-reload')) return;
    const bar = doc.createElement('div');
    bar.id = 'portal-reload'; bar.setAttribute('role', 'alert');
    bar.style.cssText = 'position:fixed;left:0;right:0;bottom:0;z-index:1000000;background:#fff8e1;color:#1a1a1a;'
      + 'border-top:3px solid #a11212;padding:0.8rem 1rem;font-size:1.05rem;line-height:1.6;';
    const note = doc.createElement('p'); note.style.margin = '0 0 0.5rem 0'; note.textContent = words['%(broken)s'];
    const again = doc.createElement('button');
    again.type = 'button'; again.textContent = '重新打开本页';
    again.style.cssText = 'font-size:1.05rem;padding:0.5rem 1.2rem;border-radius:0.4rem;border:0;background:#a11212;color:#fff;';
    again.addEventListener('click', function () { location.reload(); });
    bar.append(note, again);
    doc.body.appendChild(bar);
  }
  // a refused file's reason, under its name: Streamlit's own words, however long the type it names
  // (application/vnd.openxmlformats-officedocument.wordprocessingml.document files are not allowed.)
  function refusal(node) {
    const box = node.parentElement;
    return !!(box && box.closest('[data-testid="stFileChip"] [role="alert"]'));
  }
  // Chromium on Linux gives an iPhone's .HEIC photo no type (" files are not allowed."): a refused
  // file named .heic or .heif is taken as the HEIC photo Safari names image/heic
  function refusedAs(node, s) {
    const chip = node.parentElement.closest('[data-testid="stFileChip"]');
    const name = chip && chip.querySelector('[data-testid="stFileChipName"]');
    const named = name ? (name.getAttribute('title') || name.textContent || '').trim() : '';
    return /\\.hei[cf]$/i.test(named) ? s.replace(/^(?:\\S+ )?files are not allowed\\.$/, 'image/heic files are not allowed.') : s;
  }
  function tr(node) {   // a framework string is short (or known whole): longer text is the page's own
    const s = (node.nodeValue || '').trim();
    const parent = node.parentNode && node.parentNode.nodeName;
    if (parent === 'SCRIPT' || parent === 'STYLE') return;   // this script's own text names the failure
    if (broken.test(s)) { node.nodeValue = '这一部分没有加载出来（网络中断）。'; reloadBar(); return; }
    // a long text elsewhere is a citizen's facts or a law's article, which may well end "… files are
    // not allowed." or start "Remove ": left as written
    const refused = refusal(node);
    if (s.length > 60 && !exact.has(s) && !refused) return;
    const z = zh(refused ? refusedAs(node, s) : s); if (z !== null) node.nodeValue = z;
  }
  function relabel(el, attr) {
    const z = zh(el.getAttribute && el.getAttribute(attr)); if (z !== null) el.setAttribute(attr, z);
  }
  function label(el) { relabel(el, 'aria-label'); }
  function walk(root) {
    if (root.nodeType === 3) { tr(root); return; }
    if (root.nodeType !== 1) return;
    const w = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let n; while ((n = w.nextNode())) tr(n);
    // each table cell learns its column's heading, so a table can stack into cards on a phone
    root.querySelectorAll && root.querySelectorAll('table').forEach(function (t) {
      const heads = Array.from(t.querySelectorAll('thead th')).map(function (th) { return th.textContent.trim(); });
      t.querySelectorAll('tbody tr').forEach(function (tr) {
        Array.from(tr.children).forEach(function (td, i) {
          if (heads[i] && !td.hasAttribute('data-label')) td.setAttribute('data-label', heads[i]);
        });
      });
    });
    // what a screen reader says: the uploader's buttons are labelled in English
    const labelled = root.querySelectorAll ? Array.from(root.querySelectorAll('[aria-label]')) : [];
    if (root.hasAttribute && root.hasAttribute('aria-label')) labelled.push(root);
    labelled.forEach(label);
    root.querySelectorAll && root.querySelectorAll('input[placeholder]').forEach(function (el) { relabel(el, 'placeholder'); });
  }
  // an error under a field (field_error) is tied to it: the field is marked invalid and described by
  // the error, so a screen reader says both when the field is reached; put right, both go
  function linkErrors() {
    /* an error gone may leave its element, reused by React for what is drawn there now (the next
       box's anchor, the error's class taken off): not an error, it loses the id given it below */
    doc.querySelectorAll('[id^="field-error-"]:not(.field-error)').forEach(function (e) { e.removeAttribute('id'); });
    doc.querySelectorAll('[data-portal-invalid]').forEach(function (f) {
      const ids = (f.getAttribute('aria-describedby') || '').split(' ').filter(function (id) {
        return id && doc.getElementById(id); });
      if (ids.length) f.setAttribute('aria-describedby', ids.join(' ')); else f.removeAttribute('aria-describedby');
      /* still invalid while one of ours describes it (a box's own description, a time box's, stays) */
      if (ids.some(function (id) { return id.indexOf('field-error-') === 0; })) return;
      f.removeAttribute('aria-invalid'); f.removeAttribute('data-portal-invalid');
    });
    doc.querySelectorAll('p.field-error').forEach(function (e) {
      if (!e.id) { window.__portalErrorN = (window.__portalErrorN || 0) + 1; e.id = 'field-error-' + window.__portalErrorN; }
      const box = e.closest('[data-testid="stElementContainer"]');
      /* the field is the nearest one above: past a second error under it, or a hint drawn between;
         not past a heading (an error about a whole section, e.g. 法律依据, names no one box) */
      let c = box && box.previousElementSibling;
      for (let step = 0; c && step !== 4; step++, c = c.previousElementSibling) {
        if (c.querySelector('[data-testid="stHeading"], h1, h2, h3, h4')) break;
        const f = c.querySelector('[role=radiogroup], input:not([type=hidden]), textarea, [role=combobox], [role=spinbutton]');
        if (!f) continue;
        /* a date or time box is its parts (年/月/日, 时/分), each reached by Tab: each is marked */
        const parts = f.getAttribute('role') === 'spinbutton' ? c.querySelectorAll('[role=spinbutton]') : [f];
        parts.forEach(function (p) {
          const ids = (p.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
          if (ids.indexOf(e.id) === -1) ids.push(e.id);
          p.setAttribute('aria-describedby', ids.join(' '));
          p.setAttribute('aria-invalid', 'true'); p.setAttribute('data-portal-invalid', '');
        });
        break;
      }
    });
  }
  // a refused file's reason (role=alert in its chip) is tied by Streamlit to the chip, which cannot
  // take the focus: the chip's 删除 button, which can, is described by it too (aria-invalid is not
  // for a button)
  function linkRefusals() {
    doc.querySelectorAll('[data-testid="stFileChipDeleteBtn"] button').forEach(function (b) {
      const chip = b.closest('[data-testid="stFileChip"]');
      const why = chip && chip.querySelector('[role="alert"][id]');
      const ids = (b.getAttribute('aria-describedby') || '').split(' ').filter(function (id) {
        return id && doc.getElementById(id); });
      if (why && ids.indexOf(why.id) === -1) ids.push(why.id);
      if (ids.length) b.setAttribute('aria-describedby', ids.join(' ')); else b.removeAttribute('aria-describedby');
    });
  }
  // a container keyed named-group-… is a group named by its .group-name line: of several 来问 with the
  // same boxes and buttons, a screen reader says which one the focus is in
  function nameGroups() {
    doc.querySelectorAll('[class*="st-key-named-group-"]').forEach(function (g) {
      const name = g.querySelector('.group-name[id]');
      if (!name) return;
      if (g.getAttribute('role') !== 'group') g.setAttribute('role', 'group');
      if (g.getAttribute('aria-labelledby') !== name.id) g.setAttribute('aria-labelledby', name.id);
    });
  }
  window.__portalLinkErrors = function () { linkErrors(); linkRefusals(); nameGroups(); };
  // the watcher below is installed once; it uses the latest run's words (a staff page's differ)
  window.__portalTr = tr; window.__portalLabel = label; window.__portalWalk = walk;
  if (!window.__portalFrame) {
    window.__portalFrame = true;
    // a failed run's message (said in Chinese above) without Streamlit's Copy / Ask Google / Ask
    // ChatGPT row. In the document's head: a failed run removes every element the page drew.
    const style = doc.createElement('style');
    style.textContent = '[data-testid="stExceptionMessage"] + div {display:none !important;}';
    doc.head.appendChild(style);
    walk(doc.body);
    let linking = false;
    new MutationObserver(function (ms) {
      for (const m of ms) {
        if (m.type === 'characterData') window.__portalTr(m.target);
        else if (m.type === 'attributes') window.__portalLabel(m.target);
        else m.addedNodes.forEach(window.__portalWalk);
      }
      if (!linking) { linking = true; setTimeout(function () { linking = false; window.__portalLinkErrors(); }, 100); }
    }).observe(doc.body, {subtree: true, childList: true, characterData: true, attributes: true,
                          attributeFilter: ['aria-label']});
    // What a screen reader should say wherever the focus is (a message after a button's rerun, how
    // many articles a search found): written into one live region that stays on the page. Streamlit
    // draws st.success as a new role=status element with its text already inside, which screen
    // readers do not reliably announce; a live region that stays is, when its text changes.
    window.__portalSay = function (text) {
      if (!text) return false;
      let live = doc.getElementById('portal-announcer');
      if (!live) {
        live = doc.createElement('div');
        live.id = 'portal-announcer';
        live.setAttribute('aria-live', 'polite');
        live.setAttribute('aria-atomic', 'true');
        live.style.cssText = 'position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%%);white-space:nowrap;';
        doc.body.appendChild(live);
      }
      live.textContent = '';   /* the same words twice in a row are said twice */
      setTimeout(function () { live.textContent = text; }, 100);
      return true;
    };
    // The box a field's anchor (ui.form_errors.anchor) stands for: the first one after it that can
    // take the focus. Focused and brought into view, centred, or at the top clear of the fixed header
    // (`top`); `buttons`: any button counts, not only a secondary one (an add-a-file button).
    window.__portalFocusAfter = function (id, top, buttons) {
      const mark = doc.getElementById(id);
      if (!mark) return false;
      const boxes = doc.querySelectorAll('input:not([type=hidden]), textarea, [role=combobox], [role=spinbutton], '
                                         + (buttons ? 'button' : 'button[data-testid="stBaseButton-secondary"]'));
      const row = mark.closest('[data-testid="stElementContainer"]') || mark;
      row.style.scrollMarginTop = '4.5rem';
      for (const box of boxes) {
        if ((mark.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING) && !box.disabled
            && box.getClientRects().length) {
          if (top) row.scrollIntoView({block: 'start'}); else box.scrollIntoView({block: 'center'});
          box.focus({preventScroll: true}); return true;
        }
      }
      row.scrollIntoView({block: 'start'});
      return true;
    };
    // An error summary link focuses its field.
    doc.addEventListener('click', function (ev) {
      const a = ev.target.closest && ev.target.closest('a[href^="#field-"]');
      if (!a) return;
      const anchor = doc.getElementById(a.getAttribute('href').slice(1));
      if (!anchor) return;
      ev.preventDefault();
      const id = a.getAttribute('href').slice(1);
      const keep = (%(keeper)s)();
      const focusField = function () { window.__portalFocusAfter(id, false, false); keep.took(doc.activeElement); };
      const mine = (window.__portalErrorLink = (window.__portalErrorLink || 0) + 1);   /* a later link's wins */
      /* the field in a tab not shown (典型案例管理's 案情 while 预览 is open: its panel is display:none,
         and __portalFocusAfter skips it): each tab it is in that is not open is opened, outer first
         (the tab with the panel's index in the same tab list), and the field focused once shown */
      const closed = [];
      for (let p = anchor.closest('[data-testid="stTabPanel"]'); p;
           p = p.parentElement && p.parentElement.closest('[data-testid="stTabPanel"]')) {
        const tabs = p.closest('[data-testid="stTabs"]');
        if (!tabs) continue;
        const own = function (e) { return e.closest('[data-testid="stTabs"]') === tabs; };
        const panels = Array.from(tabs.querySelectorAll('[data-testid="stTabPanel"]')).filter(own);
        const tab = Array.from(tabs.querySelectorAll('[role=tab]')).filter(own)[panels.indexOf(p)];
        if (tab && (tab.getAttribute('aria-selected') !== 'true' || p.hasAttribute('data-st-inactive')))
          closed.unshift({tab: tab, panel: p});
      }
      closed.forEach(function (c) { c.tab.click(); });
      const shown = function () {
        return closed.every(function (c) { return c.panel.isConnected && c.panel.getClientRects().length
                                                  && !c.panel.hasAttribute('data-st-inactive'); });
      };
      let waits = 0;
      const whenShown = function () {   /* each frame, for at most 5 s: then focused as it stands */
        if (window.__portalErrorLink !== mine) return;
        if (shown() || ++waits > 300) { focusField(); setTimeout(again, 250); }
        else requestAnimationFrame(whenShown);
      };
      /* a run still drawing the step may redraw the field and drop its focus (to the page's body, or
         to the summary's own retry), on a busy phone seconds later: looked at every 250 ms for 3 s and
         put back. Never taken from anywhere else, nor from the page's body while the field focused is
         still there (the person tapped elsewhere: _KEEPER) */
      let looks = 0;
      const again = function () {
        if (window.__portalErrorLink !== mine) return;
        const held = doc.activeElement;
        if (held && held.id === 'error-summary') focusField();
        else if (keep.fallen()) focusField();
        if (!keep.done() && ++looks < 12) setTimeout(again, 250);
      };
      whenShown();
    }, true);
    // A button's rerun often redraws the page around it and the focus falls to the page's body: a
    // keyboard user starts again from the top. When it has fallen (and no message or field has taken
    // it), it goes back to the button clicked (by its key, else its words), without moving the view.
    // A button with a key of its own that is gone is not looked for by its words: the one left with
    // them is another item's (收入并发布 on 来问 1, handled, went to 来问 2's, and Enter filed that).
    // Only the last button pressed is looked for (an earlier one's look put the focus back on it).
    doc.addEventListener('click', function (ev) {
      const b = ev.target.closest && ev.target.closest('[data-testid="stMain"] button');
      if (!b) return;
      const uploader = b.closest('[data-testid="stFileUploader"]');
      if (uploader) {   // 选择文件 and 添加文件: when a file is chosen (below); 删除: now
        if (b.closest('[data-testid="stFileChip"]')) window.__portalLandInUploader(uploader, []);
        return;
      }
      const keyed = b.closest('[class*="st-key-"]');
      const key = keyed && Array.from(keyed.classList).find(function (c) { return c.indexOf('st-key-') === 0; });
      if (b.closest('[data-testid="stMultiSelect"]') && key) {   // 全部清除, a chip's 删除: gone with what
        window.__portalLandInList(key);                          // they cleared
        return;
      }
      const own = keyed && keyed.querySelectorAll('button').length === 1;
      const words = b.innerText.trim();
      const mine = (window.__portalBackN = (window.__portalBackN || 0) + 1);   /* the last button pressed */
      const back = function () {
        const held = doc.activeElement;
        if (window.__portalBackN !== mine) return;
        if (held && held !== doc.body) return;
        let again = key ? doc.querySelector('.' + CSS.escape(key) + ' button') : null;
        if (own && (!again || again.innerText.trim() !== words)) return;
        if (!again || again.innerText.trim() !== words) {
          again = Array.from(doc.querySelectorAll('[data-testid="stMain"] button')).find(function (x) {
            return x.innerText.trim() === words; });
        }
        if (again && !again.disabled && again.getClientRects().length) again.focus({preventScroll: true});
      };
      setTimeout(back, 1500); setTimeout(back, 3000);
    }, true);
    // A multiselect's 全部清除 (角色) or a chip's 删除 goes with what it cleared, and the focus fell to
    // the page's body: when it has, it goes to the list's own box (the list's key: the rerun may
    // draw it anew), looked at every 100 ms for 3 s, never taken from anywhere else, nor once the
    // person has tapped elsewhere (_KEEPER: on a phone, the 角色 box's keyboard came up again).
    window.__portalLandInList = function (key) {
      let looks = 0;
      const keep = (%(keeper)s)();
      const land = function () {
        if (keep.fallen()) {
          const box = doc.querySelector('.' + CSS.escape(key) + ' [data-testid="stMultiSelect"] input');
          if (box && !box.disabled) { box.focus({preventScroll: true}); keep.took(box); }
        } else keep.took(doc.querySelector('.' + CSS.escape(key) + ' [data-testid="stMultiSelect"] input'));
        if (!keep.done() && ++looks < 30) setTimeout(land, 100);
      };
      setTimeout(land, 50);
    };
    doc.addEventListener('keydown', function (ev) {   // by keyboard they act on the key, with no click
      if (ev.key !== 'Enter' && ev.key !== ' ') return;
      const b = ev.target.closest && ev.target.closest('[data-testid="stMain"] [data-testid="stMultiSelect"] button');
      const keyed = b && b.closest('[class*="st-key-"]');
      const key = keyed && Array.from(keyed.classList).find(function (c) { return c.indexOf('st-key-') === 0; });
      if (key) window.__portalLandInList(key);
    }, true);
    // A file chosen in an uploader: 选择文件 gives way to the file's chip and 添加文件, and the focus fell
    // to the page's body (the next Tab went to the hidden file input); a file removed, the same. When
    // it has fallen, it goes to the new file's 删除 button (its name, and why it is refused, are said
    // there), else to the first 删除 button left, else to 添加文件 or 选择文件. Looked at every 100 ms
    // for 5 s from the choice (the file dialog may have been open for a minute), never taken from
    // outside the uploader.
    window.__portalLandInUploader = function (uploader, names) {
      const mine = (window.__portalUploadN = (window.__portalUploadN || 0) + 1);   /* a later choice's wins */
      const usable = function (x) { return x && !x.disabled && x.getClientRects().length; };
      const pick = function () {
        const chip = Array.from(uploader.querySelectorAll('[data-testid="stFileChip"]')).find(function (c) {
          const n = c.querySelector('[data-testid="stFileChipName"]');
          return n && names.indexOf(n.getAttribute('title') || n.textContent.trim()) !== -1;
        });
        const removes = chip ? [chip.querySelector('[data-testid="stFileChipDeleteBtn"] button')] : [];
        return removes.concat(Array.from(uploader.querySelectorAll('[data-testid="stFileChipDeleteBtn"] button')),
                              Array.from(uploader.querySelectorAll('button'))).find(usable);
      };
      let looks = 0;
      const land = function () {
        if (window.__portalUploadN !== mine || !uploader.isConnected) return;
        const held = doc.activeElement;
        if (!held || held === doc.body) {
          const to = pick();
          if (to) to.focus({preventScroll: true});
        } else if (!uploader.contains(held)) return;
        if (++looks < 50) setTimeout(land, 100);
      };
      setTimeout(land, 100);
    };
    doc.addEventListener('change', function (ev) {
      const input = ev.target;
      const uploader = input && input.type === 'file' && input.closest('[data-testid="stMain"] [data-testid="stFileUploader"]');
      if (!uploader) return;
      window.__portalLandInUploader(uploader, Array.from(input.files || []).map(function (f) { return f.name; }));
    }, true);
    // Picking the option a select already shows sends nothing (Streamlit reruns on a change only): a
    // handler picking the open 件 again, to see it as it is now, went on seeing it as it was. Where the
    // page has a 刷新 button for that select (ui.refresh: the select's key and -refresh), picking the
    // chosen option again, by a tap, a click or Enter, clicks it.
    const repick = function (option) {
      if (!option || option.getAttribute('aria-selected') !== 'true') return;
      const list = option.closest('[role=listbox]');
      const box = list && list.id && doc.querySelector('[role=combobox][aria-controls="' + CSS.escape(list.id) + '"]');
      const keyed = box && box.closest('[class*="st-key-"]');
      const key = keyed && Array.from(keyed.classList).find(function (c) { return c.indexOf('st-key-') === 0; });
      const again = key && doc.querySelector('.' + CSS.escape(key + '-refresh') + ' button');
      if (again && !again.disabled) setTimeout(function () { again.click(); }, 50);
    };
    doc.addEventListener('pointerup', function (ev) {
      repick(ev.target.closest && ev.target.closest('[role=option]'));
    }, true);
    doc.addEventListener('keydown', function (ev) {
      const box = ev.target;
      if (ev.key !== 'Enter' || !box || !box.getAttribute || box.getAttribute('role') !== 'combobox'
          || box.getAttribute('aria-expanded') !== 'true') return;
      const id = box.getAttribute('aria-activedescendant');
      repick(id ? doc.getElementById(id) : null);
    }, true);
    // Where the open sidebar lies over the page (Streamlit: 768 px wide or less; a laptop at 200 %%
    // zoom), it folds away once a page is chosen in it, and on Escape, the focus back on 展开侧边导航:
    // it stayed open over half the new page, the fields focused under it
    const overlaid = function () {
      const bar = doc.querySelector('[data-testid="stSidebar"][data-collapsed="false"]');
      return bar && window.innerWidth <= 768 ? bar : null;
    };
    const fold = function (then) {
      const close = doc.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (!overlaid() || !close) return;
      close.click();
      if (then) setTimeout(then, 350);   /* after Streamlit draws the expand button again */
    };
    const toExpand = function () {
      const open = doc.querySelector('[data-testid="stExpandSidebarButton"]');
      const b = open && (open.matches('button') ? open : open.querySelector('button'));
      if (b) b.focus();
    };
    doc.addEventListener('click', function (ev) {
      if (!ev.target.closest) return;
      if (ev.target.closest('[data-testid="stSidebarNavLink"]')) setTimeout(fold, 0);
      /* opened, the focus (fallen to the page's body with the button gone) goes into the sidebar, on
         收起侧边导航, as ☰ 菜单's goes into its list: Tab went on through the page under it */
      if (ev.target.closest('[data-testid="stExpandSidebarButton"]')) {
        setTimeout(function () {
          const held = doc.activeElement, close = doc.querySelector('[data-testid="stSidebarCollapseButton"] button');
          if (close && (!held || held === doc.body)) close.focus();
        }, 350);
      }
    });
    doc.addEventListener('keydown', function (ev) {
      if (ev.key !== 'Escape' || ev.defaultPrevented) return;
      const bar = overlaid();
      if (!bar) return;
      /* an open list in the sidebar closes first (its own Escape) */
      const held = doc.activeElement;
      if (held && held.getAttribute && held.getAttribute('aria-expanded') === 'true' && bar.contains(held)) return;
      fold(toExpand);
    });
    // A tab chosen by arrow key (常见问题库's 问题库 / 群众来问, which rerun the page): Streamlit at times
    // draws the tab list anew, and the focus fell to the page's body with no event. Fallen, it goes
    // back to the chosen tab (looked at for 3 s), never taken from anywhere else.
    doc.addEventListener('keydown', function (ev) {
      const tab = ev.target.closest && ev.target.closest('[data-testid="stMain"] [role="tab"]');
      if (!tab || ['ArrowLeft', 'ArrowRight', 'Home', 'End'].indexOf(ev.key) === -1) return;
      const lists = doc.querySelectorAll('[data-testid="stMain"] [role="tablist"]');
      const nth = Array.from(lists).indexOf(tab.closest('[role="tablist"]'));
      const mine = (window.__portalTabN = (window.__portalTabN || 0) + 1);
      let looks = 0;
      const back = function () {
        if (window.__portalTabN !== mine) return;
        const held = doc.activeElement;
        if (!held || held === doc.body) {
          const list = doc.querySelectorAll('[data-testid="stMain"] [role="tablist"]')[nth];
          const chosen = list && list.querySelector('[role="tab"][aria-selected="true"]');
          if (chosen) chosen.focus();
        }
        if (++looks !== 30) setTimeout(back, 100);
      };
      setTimeout(back, 100);
    }, true);   /* capture: the tab list's own handler stops the key there */
    // ☰ 菜单 opens its list at the end of the page: Tab went on through the page behind it. Opened,
    // the focus goes to its first link, so Tab walks the menu (Escape closes it, back on ☰ 菜单).
    doc.addEventListener('click', function (ev) {
      if (!(ev.target.closest && ev.target.closest('.st-key-phone-menu button'))) return;
      // the list may take a while to appear on a busy phone: looked for every 100 ms for 4 s
      let tries = 0;
      const into = function () {
        const held = doc.activeElement;
        if (held && held.closest && held.closest('[data-testid="stPopoverBody"]')) return;
        const first = doc.querySelector('[data-testid="stPopoverBody"] a');
        if (first && first.getClientRects().length) { first.focus(); return; }
        if (++tries < 40) setTimeout(into, 100);
      };
      setTimeout(into, 100);
    });
    // A tap on a main button shows 正在处理 at once, until the run it starts has finished: on a slow
    // phone link nothing changed for a round trip, and the old results stayed on screen (a second
    // tap followed). Outside the app's own elements; seen, not read out (the page says what came of it).
    doc.addEventListener('click', function (ev) {
      const b = ev.target.closest && ev.target.closest('[data-testid="stMain"] button[data-testid^="stBaseButton-primary"]');
      if (!b || b.disabled) return;
      let note = doc.getElementById('portal-busy');
      if (!note) {
        note = doc.createElement('div');
        note.id = 'portal-busy'; note.setAttribute('aria-hidden', 'true');
        note.style.cssText = 'position:fixed;left:50%%;bottom:1.2rem;transform:translateX(-50%%);z-index:999999;'
          + 'background:#1a1a1a;color:#fff;padding:0.55rem 1.3rem;border-radius:2rem;font-size:1.05rem;'
          + 'white-space:nowrap;pointer-events:none;';
        note.textContent = '正在处理，请稍候……';
        doc.body.appendChild(note);
      }
      note.style.display = 'block';
      window.__portalBusyN = (window.__portalBusyN || 0) + 1;
      const shown = window.__portalBusyN;
      // hidden as soon as the run it started is over: a poll of the run's state missed a run shorter
      // than its step, and the note stayed 3 s over an answer already there
      const app = doc.querySelector('[data-testid="stApp"]');
      const running = function (s) { return s === 'running' || s === 'rerunRequested'; };
      let busy = false;
      const watch = new MutationObserver(function (records) {
        if (window.__portalBusyN !== shown) { watch.disconnect(); return; }   // a later tap took over
        if (records.some(function (r) { return running(r.oldValue); })) busy = true;
        const now = app.getAttribute('data-test-script-state');
        if (running(now)) busy = true;
        else if (busy) done();
      });
      const done = function () {
        watch.disconnect();
        if (window.__portalBusyN === shown) note.style.display = 'none';
      };
      // a run too quick to show 'running' (the state set and reset within one frame) is seen by the
      // marker every run draws last (run_ended)
      window.__portalRunEnded = done;
      if (app) watch.observe(app, {attributes: true, attributeFilter: ['data-test-script-state'],
                                   attributeOldValue: true});
      setTimeout(function () { if (!busy) done(); }, 3000);   // a tap that started no run
      setTimeout(done, 120000);
    }, true);
    // 复制 buttons (class copy-btn, text in data-copy) say 已复制 next to the button. No angle brackets in
    // this script: the HTML sanitiser drops a script whose text looks like markup.
    doc.addEventListener('click', function (ev) {
      const b = ev.target.closest && ev.target.closest('button.copy-btn[data-copy]');
      if (!b) return;
      const text = b.getAttribute('data-copy');
      const done = function (ok) {
        const out = b.parentElement.querySelector('.copy-status');
        if (out) out.textContent = ok ? '已复制' : '复制失败，请手动抄写';
      };
      const fallback = function () {
        const t = doc.createElement('textarea'); t.value = text; doc.body.appendChild(t); t.select();
        let ok = false; try { ok = doc.execCommand('copy'); } catch (e) {}
        t.remove(); done(ok);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
      } else { fallback(); }
    });
    // A link to share (class share-link: 法律问答's 本条网址) has the address without 大字号 / 高对比度;
    // followed here with a plain click, it opens with the reader's own choice (copied, or opened in a
    // new tab, it is the address as shared)
    doc.addEventListener('click', function (ev) {
      const a = ev.target.closest && ev.target.closest('a.share-link[href]');
      if (!a || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
      const chosen = new URL(location.href).searchParams.get('%(a11y)s') || '';
      if (!/^[a-z,]+$/.test(chosen)) return;
      const to = new URL(a.href, location.href);
      to.searchParams.set('%(a11y)s', chosen);
      ev.preventDefault();
      location.assign(to.href.replace(/%%2C/g, ','));
    });
  }
})();
</script>
"""

# Scroll the page (Streamlit scrolls its main section, not the window) back to its top.
_TOP_SCRIPT = """
<script>
(function () {
  const go = function () {
    window.scrollTo(0, 0);
    document.querySelectorAll('[data-testid="stMain"], section.stMain, [data-testid="stAppViewContainer"]')
      .forEach(function (el) { el.scrollTop = 0; });
  };
  go(); setTimeout(go, 150); setTimeout(go, 600);
})(); /* view %(n)s */
</script>
"""

def card_rules(table: str) -> str:
    """CSS that draws the tables inside `table` (a selector) as one card per row, each cell labelled
    by its heading (_SCRIPT gives every cell its data-label): for a phone (FRAME_CSS) and for a staff
    list too narrow for its columns (ui.tables)."""
    return f"""
{table} table, {table} tbody, {table} tr,
{table} td {{display:block;width:100% !important;}}
{table} thead {{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);}}
{table} tr {{border:2px solid #1f1f1f;border-radius:0.4rem;margin:0 0 0.8rem 0;padding:0.3rem 0.6rem;}}
{table} td {{border:none !important;padding:0.2rem 0 !important;font-size:1rem;}}
{table} td::before {{content:attr(data-label) "：";font-weight:700;}}
/* a long value wraps inside its card (the cell kept one line, its value a box as wide as the
   cell after the label, and the card cut it off: a 33-character 问题属地 at 320 px) */
{table} td, {table} td * {{white-space:normal !important;
  overflow-wrap:anywhere;}}
{table} td * {{display:inline !important;}}
"""


FRAME_CSS = """
<style>
/* targets a finger can hit (44 px): the 大字号 / 高对比度 switches (their label is the target) and
   the footer's telephone link; the headings' link icons go (tiny, and forty "本节的链接" in a row for
   a screen reader; a heading's address still works) */
.st-key-a11y-bar [data-testid="stCheckbox"] label {min-height:2.75rem;align-items:center;}
/* Streamlit's own small targets: tabs (编辑 / 预览, 28 × 40 px) and a password box's 显示密码 (32 × 16 px) */
.stApp [data-testid="stTab"] {min-height:2.75rem;min-width:2.75rem;padding:0 0.5rem;justify-content:center;}
.stApp [data-testid="stTextInputRootElement"] button {min-width:2.75rem;min-height:2.5rem;justify-content:center;}
.site-footer a[href^="tel:"] {display:inline-block;padding:0.6rem 0.4rem;margin:-0.6rem -0.4rem;}
[data-testid="stHeaderActionElements"] {display:none !important;}
/* a folded sidebar is off the screen on a phone: not in the Tab order or read out either */
[data-testid="stSidebar"][data-collapsed="true"] {visibility:hidden;}
/* an open sidebar's 收起侧边导航 can be seen and reached by Tab (Streamlit shows it only while the
   mouse is over the sidebar): at 200 % zoom the open sidebar covered half the page, with no way
   out by keyboard */
[data-testid="stSidebar"][data-collapsed="false"] [data-testid="stSidebarCollapseButton"] {visibility:visible !important;}
/* a file the browser refused: its reason under it, in words (Streamlit hides it; _SCRIPT puts it in Chinese) */
[data-testid="stFileChip"][aria-invalid="true"], [data-testid="stFileChip"][aria-invalid="true"] > div {flex-wrap:wrap;}
[data-testid="stFileChip"][aria-invalid="true"] [role="alert"] {position:static !important;width:auto !important;
  height:auto !important;clip:auto !important;clip-path:none !important;overflow:visible !important;margin:0.2rem 0 0 0 !important;
  white-space:normal !important;overflow-wrap:anywhere;flex-basis:100%;color:#a11212;font-size:1rem;font-weight:600;}
.site-header {display:flex;align-items:center;gap:0.7rem;border-bottom:4px solid #a11212;
  padding:0 0 0.5rem 0;margin:0 0 0.3rem 0;}
.site-emblem {flex:0 0 auto;width:2.6rem;height:2.6rem;border-radius:50%;background:#a11212;color:#fff;
  display:flex;align-items:center;justify-content:center;font-weight:700;font-size:1.1rem;}
.site-name {margin:0;font-size:1.25rem;font-weight:700;color:#1f1f1f;line-height:1.3;}
.site-sub {margin:0;font-size:1rem;color:#333;}
.site-footer {border-top:2px solid #1f1f1f;margin-top:2.5rem;padding-top:0.8rem;font-size:1rem;color:#1f1f1f;}
.site-footer dl {display:grid;grid-template-columns:auto 1fr;gap:0.2rem 0.8rem;margin:0 !important;padding:0 !important;}
.site-footer dt {font-weight:700;margin:0 !important;} .site-footer dd {margin:0 !important;padding:0 !important;word-break:break-word;}
/* a narrow phone: each value under its name, the whole width (beside 来访接待电话 in 大字号 the hours
   ran four characters a line, 09:00— / 12:00、) */
@media (max-width: 420px) { .site-footer dl {grid-template-columns:1fr;gap:0;} .site-footer dd {margin-bottom:0.5rem !important;} }
.site-footer a {color:#0b3d91;text-decoration:underline;}
/* the labelled menu is for phones; wider screens keep the sidebar */
@media (min-width: 768px) { .st-key-phone-menu {display:none !important;} }
/* the footer ends the page: not Streamlit's 10rem of blank under it (kept for a chat input) */
[data-testid="stMainBlockContainer"] {padding-bottom:2rem !important;}
@media (max-width: 767px) { [data-testid="stMainBlockContainer"] {padding-top:3.5rem !important;} }
/* tables marked stack-table become one card per row on a phone, each cell labelled by its heading */
@media (max-width: 640px) {
""" + card_rules('[class*="st-key-stack-table"]') + """}
.st-key-phone-menu button {min-height:2.75rem;font-size:1.1rem;}
/* every button, text box and select a finger can hit at 44 px (Streamlit draws buttons 40 px tall,
   boxes 38 px, a chosen file's × 32 px and the uploader's + 20 px wide) */
.stApp [data-testid^="stBaseButton"] {min-height:2.75rem;}
/* links to a page (the 菜单's items, a service card's title, 去查询办理进度: 35–40 px) and a choice
   of a radio (类别, 满意度: 32 px), all 44 px high */
.stApp [data-testid="stPageLink"] a {min-height:2.75rem;align-items:center;}
.stApp [data-testid="stRadioOption"] {min-height:2.75rem;align-items:center;}
.stApp [data-testid="stTextInputRootElement"], .stApp [data-baseweb="select"] > div,
.stApp [data-testid="stDateInputField"] {min-height:2.75rem;}
/* a chosen role's ✕ in 账号管理 (Streamlit: 23 × 13 px) */
.stApp [data-testid="stMultiSelect"] [data-tag] button {min-width:1.75rem;min-height:1.75rem;}
.stApp [data-testid="stFileChip"] button, .stApp [data-testid="stFileUploader"] button {min-width:2.75rem;min-height:2.75rem;}
/* every chosen file in view with its whole name and its 删除 beside it: Streamlit cut a name to
   工资条… and at 320 px with 大字号 the ✕ past the chip's edge, and the list scrolled inside a
   312-px box, hiding a third file and a refused one's reason */
.stApp [data-testid="stFileChips"], .stApp [data-testid="stFileChips"] > div {max-height:none !important;overflow:visible !important;}
.stApp [data-testid="stFileChip"] > div:has(> [data-testid="stFileChipName"]) {min-width:0 !important;flex:1 1 0 !important;}
.stApp [data-testid="stFileChipName"] {white-space:normal !important;overflow:visible !important;
  text-overflow:clip !important;overflow-wrap:anywhere !important;}
.stApp [data-testid="stFileChipDeleteBtn"] {flex:0 0 auto !important;}
/* form labels at least 16 px, helper text legible */
.stApp [data-testid="stWidgetLabel"] p, .stApp [data-testid="stWidgetLabel"] label {font-size:1rem !important;}
.stApp [data-testid="InputInstructions"] {color:#333 !important;}
.copy-btn {font-size:1.05rem;min-height:2.75rem;padding:0.3rem 1rem;border:2px solid #1f1f1f;border-radius:0.4rem;
  background:#fff;color:#1f1f1f;cursor:pointer;}
.copy-status {margin-left:0.6rem;font-weight:700;color:#0b6b2f;}
/* a form's error summary (ui.form_errors): what to put right, each a link to its field */
.error-summary {border:4px solid #a11212;padding:0.8rem 1rem;margin:0 0 1rem 0;border-radius:0.3rem;
  background:#fff;color:#1f1f1f;}
.error-summary .es-title {font-size:1.2rem;font-weight:700;margin:0 0 0.4rem 0;color:#a11212;}
.error-summary ul {margin:0;padding-left:1.2rem;}
.error-summary a {color:#a11212;font-weight:600;text-decoration:underline;}
.error-summary {scroll-margin-top:4.5rem;}
/* an error under its field (field_error): dark red (7:1), bold, marked by a rule and by 错误：, not by
   colour alone; red in 高对比度 too (more specific than its black-text rule) */
.stApp p.field-error {color:#a11212 !important;font-weight:600;margin:-0.4rem 0 0.8rem 0;
  border-left:4px solid #a11212;padding-left:0.5rem;opacity:1 !important;}
/* what a citizen types is as legible as the labels (Streamlit draws it at 14 px; phones zoom in below 16) */
.stApp input, .stApp textarea {font-size:1rem !important;}
/* room under a text area's last line for the 回车换行 hint drawn over its bottom edge */
.stApp [data-testid="stTextArea"] textarea {padding-bottom:1.6rem !important;}
/* a progress bar's words (索引建立中…) at the size of the text around them */
.stApp [data-testid="stProgress"] p {font-size:1rem !important;}
/* a chosen file's name and size as legible as the rest (Streamlit draws the size at 12 px) */
.stApp [data-testid="stFileChipName"], .stApp [data-testid="stFileChipName"] + div {font-size:1rem !important;}
/* the uploader's limits (每个文件不超过 5 MB • JPG, PNG, PDF) wrap: on one line they ended in … at 320 px */
.stApp [data-testid="stFileUploaderDropzoneInstructions"] * {white-space:normal !important;overflow:visible !important;
  text-overflow:clip !important;}
</style>
"""


@st.cache_data(show_spinner=False)
def office() -> Office:
    return load_office(get_settings())


def header(actor: Actor | None = None) -> None:
    o = office()
    st.html(FRAME_CSS)
    st.html(f'<div class="site-header" role="banner"><span class="site-emblem" aria-hidden="true">访</span>'
            f'<div><p class="site-name">{html_escape(o.full_name)}</p>'
            f'<p class="site-sub">{html_escape(PORTAL_TITLE)} · 来访接待电话 {html_escape(o.phone)}</p></div></div>')
    with st.container(key="phone-menu"):
        # one popover per page: a menu link leaves the popover "open" in the browser while the new
        # page draws it closed, and the first tap on the next page would only close it again
        with st.popover("☰ 菜单", use_container_width=True,
                        key=f"phone-menu-{st.session_state.get('_page_current', '')}"):
            for path, label in MENU:
                menu_link(path, label)
            if links := staff_links(actor):   # signed in: the work pages, not only behind the sidebar's »
                st.markdown("**工作台**")
                for path, label in links:
                    menu_link(path, label)
            # signed in, the login page is the 工作台 (its 退出登录 button signs out): a link called
            # 退出登录 that does not sign out would leave a clerk signed in who thinks otherwise
            menu_link("pages/staff_login.py", "工作台" if actor is not None else "工作人员登录")


HERE = "（当前页面）"


def menu_link(path: str, label: str) -> None:
    """A ☰ 菜单 link; the page being read says so, in words (a screen reader, and a reader who
    opened the menu to find where they are)."""
    current = st.session_state.get("_page_current")   # the page's address (app.py); "" is 首页
    here = current is not None and (current or "home") == Path(path).stem
    page_link(path, label=label + HERE if here else label)


def footer() -> None:
    o = office()
    rows = [("主办单位", html_escape(o.full_name)),
            ("来访接待电话", f'<a href="{html_escape(o.tel_url)}">{html_escape(o.phone)}</a>'),
            ("地址", html_escape(o.city + o.address)),
            ("接待时间", html_escape(o.hours_text))]
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    st.html(f'<footer class="site-footer" role="contentinfo" aria-label="网站信息"><dl>{items}</dl>'
            f'<p style="margin:0.6rem 0 0 0">本网站由{html_escape(o.full_name)}主办。网上预登记不代替正式受理；'
            f'紧急情况请拨打 110。</p></footer>')


# what Streamlit shows in place of a page when something failed (client.showErrorDetails = "none"):
# in English, with links to ask Google and ChatGPT (FRAME_CSS hides those). The details are logged.
UNCAUGHT_ERROR = ("This app has encountered an error. The original error message is redacted to prevent data "
                  "leaks. Full error details have been recorded in the logs (if you're on Streamlit Cloud, "
                  "click on 'Manage app' in the lower right of your app).")


# what Streamlit writes under a download button whose file is made at the click (the deferred data
# of staff downloads: 附件, 月通报) when making it failed, e.g. the staff session ended in between
# (ui.auth.at_click refuses it); shown five seconds, the reason is logged, not sent to the browser
DOWNLOAD_FAILED = "Failed to generate file for download"
DOWNLOAD_FAILED_ZH = "没有下载：文件没有生成。如果登录已过期或已退出，请重新登录后再下载；否则请刷新本页再试。"


def fault_message(phone: str) -> str:
    return f"抱歉，系统出现故障，刚才的操作没有完成。请稍后刷新本页再试。如需帮助，请拨打来访接待电话 {phone}。"


# staff are not sent to the citizens' hotline, and a refresh signs them out: what is typed and no
# longer shown is kept over the fault and given back when the page is opened again from the menu
# (ui.auth.keep_typed_text_over_a_fault), not after a refresh (a new session)
STAFF_FAULT_MESSAGE = ("系统出现故障，刚才的操作可能没有完成。页面上还看得到您正在写的内容的，请先复制保存；看不到的已由系统暂存，"
                       "请不要刷新本页（刷新会退出登录，暂存的内容也会丢失），稍后从菜单重新打开该页即可自动填回。"
                       "再次操作前，请先查看该件当前的状态。如一再出现，请联系系统管理员（故障已记入服务器日志）。")


def framework_script(*, staff: bool = False) -> None:
    """Chinese for Streamlit's own words; error-summary links that focus their field. It keeps
    working after a failed run has replaced the page (it watches the document, drawn once; each
    run's words replace the last run's, so a staff page's fault is told to staff)."""
    fault = STAFF_FAULT_MESSAGE if staff else fault_message(office().phone)
    words = FRAMEWORK_WORDS | {UNCAUGHT_ERROR: fault, DOWNLOAD_FAILED: DOWNLOAD_FAILED_ZH,
                               "Request timed out": "等了太久，没有完成。请刷新本页再试。",
                               "Download failed": "没有下载成功。请刷新本页再试。",
                               BROKEN_PART: BROKEN_PART_NOTE_STAFF if staff else BROKEN_PART_NOTE}
    st.html(_SCRIPT % {"words": json.dumps(words, ensure_ascii=False), "broken": BROKEN_PART, "a11y": A11Y_PARAM,
                       "keeper": _KEEPER},
            unsafe_allow_javascript=True)


def page_title(name: str | None = None) -> None:
    """The browser's title for this page (its tab, a bookmark, the history, the line a browser
    prints at the top of each sheet): `name` - 法治信访门户; None: the portal's name alone. Set by the
    frame from the menu's name (app.py) and again by a page that shows one thing (an article, a
    case). Never what a citizen typed (a question): titles go into histories and synced bookmarks."""
    st.set_page_config(page_title=f"{name} - {PORTAL_TITLE}" if name else PORTAL_TITLE)


def absolute_link(relative: str) -> str:
    """`relative` (/laws?law=…, ui.links.shared_address) as a full address a citizen can share, as
    written (ASCII: not decoded): PORTAL_BASE_URL when set, else the address this browser used to
    reach the portal."""
    from urllib.parse import parse_qs, urlsplit

    # the reader's own 大字号 / 高对比度 is not passed on: shared_address never adds it, and an
    # address that has it (ui.links.permalink, passed by mistake) is also not ASCII-only
    assert A11Y_PARAM not in parse_qs(urlsplit(relative).query), f"not a shared address: {relative}"
    base = get_settings().base_url.rstrip("/")
    if relative.startswith(base) and base:
        relative = relative[len(base):]
    if not base:
        try:
            parts = urlsplit(st.context.url or "")
            base = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
        except Exception:  # no request (AppTest)
            base = ""
    return base + relative


def share_link(relative: str) -> None:
    """A shared address (ui.links.shared_address) shown in full with a visible 复制链接 button."""
    url = absolute_link(relative)
    st.html(f'<p class="permalink" style="word-break:break-all;margin:0 0 0.3rem 0;font-family:monospace">'
            f"{html_escape(url)}</p>")
    copy_button(url, "复制链接")


def copy_button(text: str, label: str = "复制") -> None:
    """A visible 复制 button that puts `text` on the clipboard and says so in words."""
    st.html(f'<div class="copy-row"><button type="button" class="copy-btn" data-copy="{html_escape(text)}">{html_escape(label)}</button>'
            '<span class="copy-status" role="status" aria-live="polite"></span></div>')


_FOCUS_SCRIPT = """
<script>
(function () {
  let done = false;
  const go = function () {
    const el = document.getElementById(%(target)s);
    if (!el) return false;
    /* a later try (the element may have been redrawn) only puts back a focus that was lost: it never
       takes it from the field an error link has just focused, or from where the person went on to */
    const held = document.activeElement, lost = !held || held === document.body;
    if ((done || !%(take)s) && !lost && held !== el) return true;
    if (%(scroll)s) { el.style.scrollMarginTop = '4.5rem'; el.scrollIntoView({block: 'start'}); }
    el.focus({preventScroll: true}); done = true; return true;
  };
  if (!go()) { setTimeout(go, 200); }
  setTimeout(go, 700);
})(); /* %(n)s */
</script>
"""


_slot = threading.local()   # each session's script runs in its own thread


def script_slot() -> None:
    """The frame calls this once a run, before the page: a container at a fixed place that the
    run's one-off scripts (scroll, focus) are written into. Written where they are asked for, a
    script present on one run and not the next moved every element after it, and Streamlit then
    redrew them all: the box a person had just clicked lost its focus and the typing went nowhere
    (典型案例管理, the first edit after opening the page)."""
    _slot.container = st.container()
    if selector := st.session_state.pop(_FOCUS_NEXT, None):
        _run_script(_FOCUS_LATER_SCRIPT, selector=json.dumps(selector), keeper=_KEEPER)


_FOCUS_NEXT = "_frame_focus_next"
_FOCUS_LATER_SCRIPT = """
<script>
(function () {
  /* only where the focus was lost (fell to the page's body with the button pressed): never taken
     from where the person has gone on to (_KEEPER) */
  let looks = 0;
  const keep = (%(keeper)s)();
  const go = function () {
    const el = document.querySelector(%(selector)s);
    keep.took(el);   /* focused already (by the run, or a look before) */
    if (el && el.getClientRects().length && keep.fallen()) {
      el.focus({preventScroll: keep.again()}); keep.took(el);
    }
    if (!keep.done() && ++looks < 20) setTimeout(go, 250);   /* a slow run may take the button away late */
  };
  setTimeout(go, 150);
})(); /* %(n)s */
</script>
"""


def focus_after_rerun(selector: str) -> None:
    """Before st.rerun(), from a button the rerun takes away (显示个人信息 gives way to 隐藏个人信息):
    the keyboard focus, fallen to the page's body, goes to the element `selector` names. Left there,
    the next Tab went on from the top of the page, or past the new button."""
    st.session_state[_FOCUS_NEXT] = selector


def _script(html: str) -> None:
    target = getattr(_slot, "container", None)
    (target if target is not None else st).html(html, unsafe_allow_javascript=True)


def run_in_tab(html: str) -> None:
    """A one-off script (e.g. one that keeps something in the tab's sessionStorage), in the frame's
    slot so that drawing it on one run and not the next moves nothing on the page."""
    _script(html)


def _run_script(template: str, **values: str) -> None:
    """One of the scripts above, numbered: the same script twice in a row is still drawn anew."""
    n = st.session_state.get("_frame_view_n", 0) + 1
    st.session_state["_frame_view_n"] = n
    _script(template % {**values, "n": n})


_RUN_ENDED_SCRIPT = """
<script>window.__portalRunEnded && window.__portalRunEnded(); /* %(n)s */</script>
"""


def run_ended() -> None:
    """The frame calls this last in every run (a `finally`: also after st.stop()): 正在处理, the note
    a tap on a main button shows, goes now, also after a run too quick for the page to have shown it
    running. Not when the run is cut short by st.rerun: the answer comes with the next run."""
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException

    if not isinstance(sys.exc_info()[1], RerunException):
        _run_script(_RUN_ENDED_SCRIPT)


def focus_once(element_id: str, token: object, *, scroll: bool = True, take: bool = True) -> None:
    """Move keyboard focus (and, unless not `scroll`, the view) to `element_id` once per new `token`
    (e.g. a new error list); with `take` False only where the focus was lost (fell to the page's
    body), never from an element someone has since focused."""
    seen = st.session_state.setdefault("_frame_focused", {})
    if seen.get(element_id) == token:
        return
    seen[element_id] = token
    _run_script(_FOCUS_SCRIPT, target=json.dumps(element_id), scroll=json.dumps(scroll), take=json.dumps(take))


_FIELD_SCRIPT = """
<script>
(function () {
  /* the frame script's __portalFocusAfter: the field's row at the top, its first box focused */
  const go = function () { return window.__portalFocusAfter && window.__portalFocusAfter(%(target)s, true, true); };
  setTimeout(function () { if (!go()) setTimeout(go, 500); }, 700);
})(); /* %(n)s */
</script>
"""


def focus_field(anchor_id: str) -> None:
    """After this run, bring the anchor `anchor_id` (ui.form_errors.anchor) to the top of the screen
    and focus the first box after it; late enough to follow the new view's scroll to its top."""
    _run_script(_FIELD_SCRIPT, target=json.dumps(anchor_id))


def _address() -> str:
    """The page's address parameters, but the 适老化 one (a switch, not another view)."""
    return "&".join(f"{k}={v}" for k, v in sorted(st.query_params.to_dict().items()) if k != A11Y_PARAM)


def open_at_top(page: str, *, state: str = "") -> None:
    """Scroll to the top whenever the page, its address or `state` (a form step) differs from the
    last run's: a link, Back, a button that opens another view."""
    view = (page, _address(), state)
    if st.session_state.get("_frame_view") == view:
        return
    st.session_state["_frame_view"] = view
    scroll_to_top()


def address_settled() -> None:
    """The frame calls this last in every run: what the page wrote into its own address while it
    ran (法律问答's ?q=, a 查询码 taken out of it) names the view already on screen, not a new one.
    Seen first by the next run, it sent the page back to its top at the first button pressed after
    a new question."""
    view = st.session_state.get("_frame_view")
    if view is not None:
        st.session_state["_frame_view"] = (view[0], _address(), view[2])


_SCROLL_TO_SCRIPT = """
<script>
(function () {
  let told = false;
  /* a message brought into view is also said (the frame script's __portalSay); not an error: st.error
     is role=alert, which a screen reader says by itself, and it was said twice */
  const tell = function (el) {
    const note = el.querySelector('[role=alert], [role=status]');
    if (!%(say)s || told || !note || note.getAttribute('role') === 'alert' || !window.__portalSay) return;
    told = window.__portalSay(note.innerText.trim());
  };
  const go = function () {
    const el = window.parent.document.querySelector(%(selector)s) || document.querySelector(%(selector)s);
    const hidden = el && el.getBoundingClientRect().top > (window.parent.innerHeight || window.innerHeight) * 0.75;
    if (el && (!%(below_only)s || hidden)) {
      /* clear of the top bar; and so is the element focused just above it (查找相关条文 over the answer
         it brought up), not left under the fixed header */
      const held = document.activeElement, top = el.getBoundingClientRect().top;
      const h = held && held !== document.body && !el.contains(held) ? held.getBoundingClientRect() : null;
      const above = h && top - h.bottom >= 0 && (window.parent.innerHeight || window.innerHeight) / 4 > top - h.top
        ? Math.round(top - h.top) : 0;
      el.style.scrollMarginTop = 'calc(4.5rem + ' + above + 'px)'; el.scrollIntoView({block: 'start'}); tell(el);
    }
    const box = %(focus)s && document.querySelector(%(focus)s);
    if (box) box.focus({preventScroll: true});
    if (%(claim)s && el) claim(el);
  };
  /* the message takes the keyboard focus where the focus fell to the page's body (the button pressed
     is gone: 登记, 办结) or was left off the screen (保存 a screen below the message brought up): a
     sighted keyboard user saw no focus ring, and the next Tab went on from out of sight */
  const keep = (%(keeper)s)();   /* from the page's body only until the person moves on (_KEEPER) */
  const claim = function (el) {
    const note = el.querySelector('[role=alert], [role=status]') || el;
    const held = document.activeElement;
    if (held && held !== document.body && note.contains(held)) { keep.took(held); return; }
    if (!held || held === document.body) {
      if (!keep.fallen()) return;
    } else {
      const r = held.getBoundingClientRect(), high = window.parent.innerHeight || window.innerHeight;
      if (r.bottom > 0 && r.top < high && r.height) return;
    }
    if (!note.hasAttribute('tabindex')) note.setAttribute('tabindex', '-1');
    note.focus({preventScroll: true}); keep.took(note);
  };
  setTimeout(go, 150); setTimeout(go, 600);
  /* and where it falls to the page's body later, until 5 s: a slow run removes the button pressed
     after the looks above (收入并发布 on a 来问, the list drawn last) */
  let looks = 0;
  const watch = function () {
    const el = document.querySelector(%(selector)s), held = document.activeElement;
    if (el && (!looks || !held || held === document.body)) claim(el);
    if (!keep.done() && ++looks < 15) setTimeout(watch, 250);
  };
  if (%(claim)s) setTimeout(watch, 1500);
})(); /* %(n)s */
</script>
"""


def scroll_to(selector: str, *, focus: str | None = None, say: bool = False, below_only: bool = False,
              claim: bool = False) -> None:
    """Bring the element `selector` names to the top of the screen after this run (and the keyboard
    focus to the element `focus` names, if given); with `say`, a screen reader also reads out the
    message (st.success …) inside it, wherever the focus is; never an error (st.error is role=alert:
    a screen reader says it by itself, so `say` is left off for one, and ignored). With `below_only`, only when
    it starts in the last quarter of the screen or below it (a wide screen that shows it stays put).
    With `claim`, the message inside it takes the keyboard focus if the focus has fallen to the
    page's body or is off the screen."""
    _run_script(_SCROLL_TO_SCRIPT, selector=json.dumps(selector), focus=json.dumps(focus),
                say=json.dumps(say), below_only=json.dumps(below_only), claim=json.dumps(claim),
                keeper=_KEEPER)


_SAY_SCRIPT = """
<script>
(function () {
  const go = function () { return window.__portalSay && window.__portalSay(%(text)s); };
  setTimeout(function () { if (!go()) setTimeout(go, 500); }, 300);
})(); /* %(n)s */
</script>
"""


def say(message: str, *, token: object = None) -> None:
    """A screen reader reads out `message` wherever the focus is (the button just pressed). With a
    `token` (the question asked), once per new token: not again when the page reruns for anything
    else (大字号, another button); without, on this run (a message drawn once)."""
    if token is not None:
        said = st.session_state.setdefault("_frame_said", {})
        if said.get(message) == token:
            return
        said[message] = token
    # a message may hold what someone typed: no "</script>" or "<!--" may close the script early
    _run_script(_SAY_SCRIPT, text=json.dumps(message, ensure_ascii=False).replace("<", "\\u003c"))


def scroll_to_top() -> None:
    """Scroll the page to its top after this run (a new chapter chosen below the text it ends)."""
    _run_script(_TOP_SCRIPT)


def field_error(message: str, *, said: bool = False) -> None:
    """An error right under its field, in words (错误：…); the frame script ties it to the field
    (aria-invalid, aria-describedby). `said`: also read out where the focus is (a button below it)."""
    st.markdown(f'<p class="field-error">错误：{html_escape(message)}</p>', unsafe_allow_html=True)
    if said:
        say("错误：" + message)


def confirm_box(title: str, *, key: str, explained: str, tick: str, tick_key: str, button: str,
                button_key: str, on_click: Callable[[], None], error: str = "", open_: bool = False) -> None:
    """An action that cannot be undone (撤回预登记, 删除草稿), folded in a box: what it does, a tick
    to confirm, then its button. Open on `open_` or a missing tick; the missing tick (`error`) is said
    under the box to tick and tied to it, brought into view with the box focused (above it, the
    message pushed the box and its button below the fold of a phone)."""
    with st.expander(title, expanded=bool(error) or open_, key=key):
        st.write(explained)
        st.checkbox(tick, key=tick_key)
        if error:
            field_error(error)
            scroll_to(f".st-key-{key}", focus=f'.st-key-{key} input[type="checkbox"]')
        st.button(button, on_click=on_click, key=button_key)


def success_in_view(message: str, *, key: str) -> None:
    """A success message brought into view: the button that led to it (保存 at the foot of a long
    form) may be a screen below it. The focus stays on that button while it is on the screen; gone,
    or out of sight, it goes to the message."""
    with st.container(key=key):
        st.success(message)
    scroll_to(f".st-key-{key}", say=True, claim=True)


_ADDRESS_WRITTEN = "_frame_address_written"


def show_here(*, at_top: bool = True, **params: str) -> None:
    """Same-page navigation, for a button's on_click (a law from the 法规库 shelf, a case from the
    list, back to either): the page's address becomes `params` in one step — a new history entry,
    so refresh, Back and a copied address follow — keeping the 适老化 parameter, and the next run
    starts at the top as a new page would (start_at_top). Not st.page_link to the page it is on: it
    shows the target but leaves the address as it was, so the next rerun (a search, a filter,
    大字号) falls back to where the reader came from. `at_top` False: the page says where it starts
    (a filter changed in place; a list shown again at the item the reader had opened)."""
    kept = {A11Y_PARAM: st.query_params[A11Y_PARAM]} if A11Y_PARAM in st.query_params else {}
    st.query_params.from_dict({**kept, **params})
    st.session_state[_ADDRESS_WRITTEN] = at_top


_OPEN_PAGE_SCRIPT = """
<script>
(function () {
  /* the new address as one history entry, then Streamlit shows its page as it does after Back */
  history.pushState(null, '', new URL(%(to)s, location.href).href);
  window.dispatchEvent(new PopStateEvent('popstate'));   /* %(n)s */
})();
</script>
"""


def open_page(url_path: str, **params: str) -> None:
    """Another page at the address `url_path?params`, keeping the 适老化 parameter, as one entry in
    the browser's history: one Back returns. st.switch_page(query_params=…) made two (the parameters
    written on this page's path, then the page), and a third when the page then wrote a11y back."""
    _run_script(_OPEN_PAGE_SCRIPT, to=json.dumps(f"{url_path}?{urlencode(with_choice(params), safe=',')}"))


def start_at_top() -> None:
    """On a page that uses show_here: scroll to the top on the run after it."""
    if st.session_state.pop(_ADDRESS_WRITTEN, False):
        scroll_to_top()
