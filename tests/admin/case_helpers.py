"""Taking case steps through the case page's forms, as a browser would post them."""
from __future__ import annotations

import re

CSRF = re.compile(r'id="step-([a-z_]+)".*?name="\1-csrf_token" type="hidden" value="([^"]+)"', re.DOTALL)
# Complete content for each step, as staff would fill it in.
FILLED = {
    "accept": {},
    "respond": {"mode": "dispatch", "measures": ["temporary_care", "medical"]},
    "refer": {"note": "已电话通报乡镇：孩子已由姑姑临时照料"},
    "assess": {"safety_rating": "at_risk", "safety_note": "父亲酒后打人",
               "guardianship_rating": "weak", "guardianship_note": "",
               "health_rating": "concern", "health_note": "手臂有淤青"},
    "assist": {"services": ["counselling", "guardian_guidance"], "interventions": ["warning_letter"]},
    "monitor": {},
    "follow_up": {},
    "visit": {"visited_on": "2026-11-30", "way": "home", "finding": "better"},
    "close": {"reason": "risk_removed"},
    "unlink": {"note": "年龄和情况都不一样"},
}
# A status and the step that reaches it (monitoring: from assessing or from assisting).
STEP_TO = {"accepted": ["accept"], "responding": ["respond"], "referred": ["refer"],
           "assessing": ["assess"], "assisting": ["assist"], "monitoring": ["monitor", "follow_up"],
           "closed": ["close"], "merged": ["merge"]}


def page_forms(client, number: str) -> dict[str, str]:
    """Step code -> CSRF token of every step form on the case page."""
    return dict(CSRF.findall(client.get(f"/admin/cases/{number}").get_data(as_text=True)))


def take(client, number: str, code: str, fields: dict | None = None, token: str | None = None,
         follow_redirects=True):
    token = token or next(iter(page_forms(client, number).values()), None) or csrf_any(client)
    data = {f"{code}-csrf_token": token}
    for key, value in (FILLED.get(code, {}) if fields is None else fields).items():
        data[f"{code}-{key}"] = value
    return client.post(f"/admin/cases/{number}/steps/{code}", data=data, follow_redirects=follow_redirects)


def csrf_any(client) -> str:
    page = client.get("/admin/account/password").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def advance(client, number: str, to: str, note: str = ""):
    """Reach status `to` by the step the page offers for it (refused steps are posted anyway)."""
    offered = page_forms(client, number)
    code = next((c for c in STEP_TO.get(to, [to]) if c in offered), STEP_TO.get(to, [to])[0])
    fields = dict(FILLED.get(code, {}))
    if note:
        fields["note"] = note
    return take(client, number, code, fields)
