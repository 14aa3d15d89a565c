"""WeChat template messages queued as jobs (core/services/notifications.send_template).

The job body holds the template id, data and link; the channel's API client (wechatpy's
WeChatClient with the shared access token) sends it.
"""
from __future__ import annotations

import json


def send_template(api, openid: str, body: str) -> dict:
    msg = json.loads(body)
    return api.send_template(openid, msg["template_id"], msg["data"], url=msg.get("url"))
