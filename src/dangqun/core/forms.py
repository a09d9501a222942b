"""Form pieces every app shares."""

from django import forms
from django.core.exceptions import ValidationError

from dangqun.core import uploads
from dangqun.core.ids import parse_id


def add_errors(form, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: on the field it names, else on the form
    (so the page shows it beside what was typed)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class _OneId:
    """A model choice named by an id a person or a program sent: one that is not a positive
    bigint is refused as any unknown choice (SQLite raised OverflowError for a huge one: a 500)."""

    def to_python(self, value):
        given = getattr(value, "pk", value)  # a model instance (a service's own data) is fine
        if value not in self.empty_values and parse_id(given) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class _ManyIds:
    def _check_values(self, value):
        for one in value:
            if parse_id(getattr(one, "pk", one)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(one)[:20]},
                )
        return super()._check_values(value)


_SAFE: dict[type, type] = {}


def _safe_ids(field: forms.Field) -> None:
    """Give a model choice field the id check above, keeping its own class's behaviour."""
    if not isinstance(field, forms.ModelChoiceField) or isinstance(field, (_OneId, _ManyIds)):
        return
    cls = type(field)
    if cls not in _SAFE:
        check = _ManyIds if isinstance(field, forms.ModelMultipleChoiceField) else _OneId
        _SAFE[cls] = type(f"Checked{cls.__name__}", (check, cls), {})
    field.__class__ = _SAFE[cls]


class StyledForm(forms.Form):
    """Give every widget Tabler's classes; every model choice refuses ids that cannot be one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)

    def full_clean(self):
        # the id check goes on as the input is read, so it also covers the model choices a
        # form adds in its own ``__init__`` after this class's (voices' proposer)
        for field in self.fields.values():
            _safe_ids(field)
        super().full_clean()


class CheckedForm(StyledForm):
    """A styled form whose required, length, format and range messages name the field in
    Chinese (请填写主题, 主题不能超过 200 个字…)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = f"请填写{field.label}"
            field.error_messages["invalid"] = f"{field.label}格式不正确"
            # these are %-formatted with the limit: a label's own % (及格线（%）) is escaped
            label = str(field.label).replace("%", "%%")
            field.error_messages["max_length"] = f"{label}不能超过 %(limit_value)d 个字"
            field.error_messages["min_value"] = f"{label}不能小于 %(limit_value)s"
            field.error_messages["max_value"] = f"{label}不能大于 %(limit_value)s"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input, each checked by its content (``core.uploads``); cleans to a
    list of ``uploads.Checked``. Optional by default."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "附件（可不传）")
        kwargs.setdefault(
            "help_text",
            f"可上传{uploads.LABELS}，最多 {uploads.MAX_FILES} 个，每个不超过 "
            f"{uploads.max_bytes() // (1024 * 1024)} MB；图片和 .docx/.xlsx/.pptx 的作者、位置等信息"
            "会被去掉，PDF 和旧版 Office 文件无法去除，匿名反映时不能上传",
        )
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": uploads.ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if not files:
            if self.required:
                raise forms.ValidationError("请选择文件")
            return []
        return uploads.check_all(files)
