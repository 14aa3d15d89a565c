"""The quarterly confirmation page behind the link of a WeChat template message.

GET /confirm/<token> shows the question with two answers; POST records "信息没变" (or
tells the parent how to say what changed). The token is signed and expires with the
check (core/services/entrust_links.py); the form carries a CSRF token; the page has no
inline script or style, so the site's Content-Security-Policy holds. It shows the
children's names masked, nothing else of the registration.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField

from core.db import transaction, utcnow
from core.models import Child, EntrustCheck
from core.services import entrust_checks, entrust_links

TEXTS = {
    "ok": "谢谢您确认！信息没变，我们记下了。有变化随时在公众号里告诉我们。",
    "late": "谢谢您确认，我们记下了。村委会可能已经在联系您，接到电话说一声就好。",
    "already": "这次的确认已经收到了，谢谢您！",
    "edit": "请直接在“守护”公众号里发消息告诉我们有什么变化，例如：我换到东莞上班了、孩子改由外婆照顾、"
            "奶奶电话换成13900001234。我们会帮您改好，之前的记录都会保留。",
    "expired": "这个链接已经过期了。请在“守护”公众号里发“监护登记”，看一看登记的信息还对不对。",
    "bad": "链接不对，可能没有复制完整。请在“守护”公众号里发“监护登记”。",
}


class AnswerForm(FlaskForm):
    answer = HiddenField()


def _masked(name: str) -> str:
    """王小雨 -> 王*雨, 王雨 -> 王*: the parent knows whom it means, a forwarded link tells less."""
    if len(name) < 3:
        return name[:1] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def make_blueprint(sessions, secret_key: str) -> Blueprint:
    bp = Blueprint("entrust_confirm", __name__, template_folder="templates")

    def clock():
        return current_app.config.get("SHOUHU_CLOCK", utcnow)()

    def page(text: str, status: int = 200, names: str = "", form=None):
        return render_template("entrust_confirm.html", text=text, names=names, form=form), status

    @bp.route("/confirm/<token>", methods=["GET", "POST"])
    def confirm(token: str):
        check_id, why = entrust_links.read_token(secret_key, token[:400], clock)
        if check_id is None:
            return page(TEXTS[why], 410 if why == "expired" else 404)
        form = AnswerForm()
        with transaction(sessions) as session:
            check = session.get(EntrustCheck, check_id)
            if check is None:
                return page(TEXTS["bad"], 404)
            if check.answered_at is not None:
                return page(TEXTS["already"])
            if form.validate_on_submit():
                if form.answer.data == "edit":
                    return page(TEXTS["edit"])
                return page(TEXTS[entrust_checks.confirm(session, check_id, clock())])
            ids = entrust_checks.family_child_ids(session, check)
            names = "、".join(_masked(c.name) for c in session.scalars(
                select(Child).where(Child.id.in_(ids)).order_by(Child.id)))
        return page("", names=names, form=form)

    return bp
