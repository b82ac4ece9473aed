"""The browser's copy of the Q&A rules (static/js/qa_rules.js) decides as the server's (event_server/core/qa.py):
one table of cases through both, the JavaScript run by Node as the very ES module the pages load."""
from __future__ import annotations

import json
import random
import shutil
import subprocess
from itertools import product

from event_server.core import qa
from tests.conftest import ROOT, missing

RULES = (ROOT / "static" / "js" / "qa_rules.js").as_uri()
STATES = ("pending", "approved", "rejected", "answered", "archived", "withdrawn")


def run_js(body: str, cases) -> list:
    """Run `body` (an ES module that has `rules` and `cases`, and prints JSON) with Node."""
    node = shutil.which("node")
    if node is None:
        missing("Node.js is not installed (it comes with npm: apt-get install nodejs npm)")
    script = f'import * as rules from "{RULES}"; import {{ readFileSync }} from "node:fs";\n' \
             f'const cases = JSON.parse(readFileSync(0, "utf8"));\n{body}'
    done = subprocess.run([node, "--input-type=module", "-e", script], input=json.dumps(cases),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def question(id: str, state: str = "approved", author: str = "ada", on_air: bool = False, votes: int = 0,
             created: int = 1000) -> qa.Question:
    return qa.Question(id, "talk", "main", author, None, "Why GANs?", state, on_air, votes, created, created)


def test_who_sees_which_question_is_decided_alike():
    questions = [question(f"q{n}", state, author, on_air)
                 for n, (state, author, on_air) in enumerate(product(STATES, ("ada", "bob"), (False, True)))]
    viewers = [qa.Viewer(attendee, privileged) for attendee, privileged in product((None, "ada", "bob"), (False, True))]
    cases = [(q, v) for q, v in product(questions, viewers)]
    # what the page knows: the question as sent (no author) and, from the server, which ones are its own
    sent = [{"question": qa.view(q), "privileged": v.privileged, "mine": [q.id] if q.author == v.attendee else []}
            for q, v in cases]
    seen = run_js("console.log(JSON.stringify(cases.map((c) => "
                  "rules.visible(c.question, { privileged: c.privileged, mine: new Set(c.mine) }))));", sent)
    expected = [qa.visible(q, v) for q, v in cases]
    assert seen == expected
    assert 0 < sum(expected) < len(expected)  # the table has both answers, for every state
    assert {q.state for q, _ in cases} == set(STATES)


def test_the_queue_is_ordered_alike():
    # ties on votes and on age, so that every key decides somewhere; ids as the server makes them
    rows = [("Ab3-x", 5, 1000), ("ab3-x", 0, 1000), ("Ab3_x", 0, 1000), ("z9", 2, 2000), ("A", 2, 1000),
            ("_a", 0, 3000), ("-a", 5, 1000), ("0b", 2, 2000), ("ZZ", 0, 1000), ("b", 5, 3000)]
    questions = [question(id, votes=votes, created=created) for id, votes, created in rows]
    shuffles = [random.Random(seed).sample(questions, len(questions)) for seed in range(5)]
    got = run_js("console.log(JSON.stringify(cases.map((qs) => qs.sort(rules.byOrder).map((q) => q.id))));",
                 [[qa.view(q) for q in qs] for qs in shuffles])
    expected = [q.id for q in qa.ordered(questions)]
    assert got == [expected] * len(shuffles)
    assert len({q.votes for q in questions}) > 1 and len({q.created_ms for q in questions}) < len(questions)
