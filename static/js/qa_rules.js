// Two rules of the live Q&A, as the server states them in event_server/core/qa.py, for the browser to
// apply each pushed change (qa:question, qa:tally) without asking again. The same cases run through
// both in tests/unit/test_qa_rules_js.py: change one, change the other. No DOM here, so Node can test it.
const PUBLIC = ["approved", "answered"];  // qa.PUBLIC

// qa.visible: withdrawn, never; a moderator or a speaker of the talk (`privileged`), everything else;
// everyone else, the public states and every one of their own (`mine`: a Set of question ids, since
// the author's id never leaves the server).
export function visible(question, { privileged, mine }) {
  if (question.state === "withdrawn") return false;
  return privileged || PUBLIC.includes(question.state) || mine.has(question.id);
}

// qa.order_key, as a sort comparator: most votes first, then oldest first, then by id.
export function byOrder(a, b) {
  return b.votes - a.votes || a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
