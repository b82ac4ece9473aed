"""Hostile strings: what an attacker, a prankster or an unlucky keyboard types into any field. Each that
could run script calls __pwned() (a hook the browser tests install), so one that ever executes is counted.
The list is kept here and used by the abuse tests; RELIABILITY.md ("Abuse") reports what they found."""
from __future__ import annotations

HOOK = """
window.__hits = [];
window.__pwned = () => window.__hits.push(location.pathname);
for (const name of ["alert", "confirm", "prompt", "print"]) window[name] = () => window.__hits.push(name);
"""

MARKUP = [
    "<script>__pwned()</script>",
    '"><script>__pwned()</script>',
    "'><script>__pwned()</script>",
    "<img src=x onerror=__pwned()>",
    "<svg onload=__pwned()>",
    "<svg><script>__pwned()</script></svg>",
    '<iframe src="javascript:__pwned()"></iframe>',
    "<iframe srcdoc=\"<script>parent.__pwned()</script>\"></iframe>",
    "<body onload=__pwned()>",
    "<details open ontoggle=__pwned()>",
    "<video><source onerror=__pwned()></video>",
    "<audio src=x onerror=__pwned()>",
    "<input autofocus onfocus=__pwned()>",
    "<marquee onstart=__pwned()>x</marquee>",
    '<a href="javascript:__pwned()">click me</a>',
    '<object data="javascript:__pwned()">',
    '<embed src="javascript:__pwned()">',
    "<math><mtext><table><mglyph><style><img src=x onerror=__pwned()>",
    '<noscript><p title="</noscript><img src=x onerror=__pwned()>">',
    '<link rel=stylesheet href="javascript:__pwned()">',
    '<meta http-equiv="refresh" content="0;url=javascript:__pwned()">',
    "<form action=javascript:__pwned()><button>go</button></form>",
    '<base href="javascript:__pwned()//">',
    "</textarea><script>__pwned()</script>",
    "</title><script>__pwned()</script>",
    "</script><script>__pwned()</script>",
    "<!--<img src=x onerror=__pwned()>-->",
    "]]><script>__pwned()</script>",
    '" onmouseover="__pwned()" x="',
    "' onfocus='__pwned()' autofocus x='",
    "<scr<script>ipt>__pwned()</scr</script>ipt>",
    "&lt;script&gt;__pwned()&lt;/script&gt;",
    "\\u003cscript\\u003e__pwned()\\u003c/script\\u003e",
    "%3Cscript%3E__pwned()%3C/script%3E",
    "<style>*{display:none !important}</style>",
    '<div style="position:fixed;inset:0;background:red">covered</div>',
]
URLS = [
    "javascript:__pwned()",
    "JaVaScRiPt:__pwned()",
    " javascript:__pwned()",
    "data:text/html,<script>__pwned()</script>",
    "vbscript:msgbox(1)",
]
TEMPLATES = [
    "{{ 7*7 }} {{ config }} {% raw %}",
    "{{ self.__init__.__globals__ }}",
    "${7*7} #{7*7} <%= 7*7 %>",
    "{{constructor.constructor('__pwned()')()}}",
    "`${__pwned()}`",
    "{0} {1} {n} %s %d",
]
SPREADSHEET = [
    '=HYPERLINK("https://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
]
UNICODE = [
    "\u202eevil\u202c txt.exe",  # right-to-left override
    "\u2066isolate\u2069 and \u200fRLM mark",
    "zero\u200bwidth\u200djoiner\ufeffBOM",
    "Ａｄｍｉｎ in full width",
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇ text",
    "𝕳𝖊𝖑𝖑𝖔 👩‍👩‍👧‍👦🏳️‍🌈 emoji",
    "ﷺ ﷽ wide ligatures",
    "line\r\nbreak",
    "nul\x00byte",
]
SIZES = [
    "A" * 500,  # the longest question
    "https://" + "a" * 400 + ".example/" + "b" * 80,
    "x" * 3999,  # one word, no place to break a line
    "W" * 40,  # the longest name
]
WORDS = ["null", "undefined", "NaN", "[object Object]", "__proto__", "Robert'); DROP TABLE questions;--"]

HOSTILE = MARKUP + URLS + TEMPLATES + SPREADSHEET + UNICODE + SIZES + WORDS
assert len(HOSTILE) >= 50 and len(set(HOSTILE)) == len(HOSTILE)
