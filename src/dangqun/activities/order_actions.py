"""What can be done with a service order, by whom and with which form (``core.actions``): the
pages of 群众点单·党员接单 and ``/api/activities/orders/`` run the same tables."""

from dangqun.activities import order_forms, orders
from dangqun.core import actions
from dangqun.core.actions import Action


def _user(user, obj) -> dict:
    return {"user": user}


def _claim(user, order, data):
    return orders.claim(user, order, **data)


ORDER_ACTIONS: dict[str, Action] = {
    "claim": Action(
        order_forms.ClaimForm,
        _claim,
        allowed=lambda user, order: orders.may_claim(user),
        form_kwargs=_user,
        done="已接单，服务活动草稿已建立",
        refused=orders.MAY_NOT_CLAIM,
    ),
    "cancel": Action(
        order_forms.CancelForm,
        lambda user, order, data: orders.cancel(user, order, data["reason"]),
        allowed=lambda user, order: orders.may_order(user, order.voice),
        done="服务需求已撤销",
        refused="您无权撤销该服务需求",
    ),
}

# on a voice: raise an order from it
VOICE_ACTIONS: dict[str, Action] = {
    "order": Action(
        order_forms.OrderForm,
        lambda user, voice, data: orders.create(user, voice, data),
        allowed=orders.may_order,
        form_kwargs=_user,
        done="已转为服务需求",
        refused="您无权将该呼声转为服务需求",
    ),
}


def run(user, obj, name: str, data, files=None) -> actions.Outcome:
    table = VOICE_ACTIONS if name in VOICE_ACTIONS else ORDER_ACTIONS
    return actions.run(table, user, obj, name, data, files)
