"""WeChat template messages, sent with wechatpy's client (`client.message.send_template`).

The job body is what core/services/notifications.send_template queued: template id,
data and link. The access token comes from the channel's API client, so the token cache
and the configurable API base (tests point it at a fake server) stay in one place.
"""
from __future__ import annotations

import json

from wechatpy import WeChatClient


def send_template(api, openid: str, body: str) -> dict:
    msg = json.loads(body)
    client = WeChatClient(api.appid, api.secret, access_token=api.access_token())
    client.API_BASE_URL = f"{api.base}/cgi-bin/"
    return client.message.send_template(openid, msg["template_id"], msg["data"], url=msg.get("url"))
