"""One short Flask-WTF form per case step (CSRF, field parsing, rendering).

The forms only collect; core/services/step_input.py decides what is complete and says
what is missing in Chinese, for the web and every other caller alike. Choices come from
core/step_content.py. Each form is built with `prefix=<step code>`, so several can share
the case page.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from admin.form_choices import choices
from core import step_content as sc


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _radio(label: str, table: dict) -> RadioField:
    # validate_choice off: an unknown or missing choice is refused by step_input, in Chinese.
    return RadioField(label, choices=choices(table), validate_choice=False)


def _checks(label: str, table: dict) -> Checkboxes:
    return Checkboxes(label, choices=choices(table), validate_choice=False)


def _note(label: str = "说明（可选）") -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=1000)])


class StepForm(FlaskForm):
    note = _note()

    def fields(self) -> dict:
        """What was entered, for core/services/case_steps.take_step."""
        return {k: v for k, v in self.data.items() if k != "csrf_token"}


class RespondForm(StepForm):
    mode = _radio("处置方式", sc.RESPONSE_MODES)
    measures = _checks("已采取的应急处置措施", sc.MEASURES)
    note = _note("现场情况（可选）")


class ReferForm(StepForm):
    note = _note("通报内容：处置情况、孩子现在在哪里")


class AssessForm(StepForm):
    safety_rating = _radio(sc.ASSESSMENT["safety"][0], sc.ASSESSMENT["safety"][1])
    safety_note = StringField("安全处境说明", validators=[Optional(), Length(max=1000)])
    guardianship_rating = _radio(sc.ASSESSMENT["guardianship"][0], sc.ASSESSMENT["guardianship"][1])
    guardianship_note = StringField("监护情况说明", validators=[Optional(), Length(max=1000)])
    health_rating = _radio(sc.ASSESSMENT["health"][0], sc.ASSESSMENT["health"][1])
    health_note = StringField("身心健康说明", validators=[Optional(), Length(max=1000)])
    note = _note("评估结论（可选）")


class AssistForm(StepForm):
    services = _checks("帮扶服务", sc.SERVICES)
    interventions = _checks("监护干预", sc.INTERVENTIONS)
    note = _note("安排说明：由谁负责、什么时候（可选）")


class MonitorForm(StepForm):
    note = _note("为什么不需要帮扶（可选）")


class VisitForm(StepForm):
    visited_on = DateField("随访日期", validators=[Optional()])
    way = _radio("随访方式", sc.VISIT_WAYS)
    finding = _radio("孩子现在的情况", sc.VISIT_FINDINGS)
    note = _note("随访记录（可选）")


class CloseForm(StepForm):
    reason = _radio("结案原因", sc.CLOSE_REASONS)
    note = _note("结案说明（选“其他”时必填）")


class MergeForm(StepForm):
    original = StringField("原案件编号（本案是它的重复报告）", validators=[Optional(), Length(max=40)])
    note = _note()


class UnlinkForm(StepForm):
    note = _note("为什么不是同一事件")


FORMS: dict[str, type[StepForm]] = {
    "accept": StepForm, "respond": RespondForm, "refer": ReferForm, "assess": AssessForm,
    "assist": AssistForm, "monitor": MonitorForm, "follow_up": StepForm, "visit": VisitForm,
    "close": CloseForm, "merge": MergeForm, "unlink": UnlinkForm,
}


def form_for(code: str, **kwargs) -> StepForm:
    return FORMS[code](prefix=code, **kwargs)
