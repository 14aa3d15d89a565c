"""The runtime's delivery side: channel adapters, the job queue, its relay and worker, and
the senders that deliver notifications and messages to reporters. A mixin of
bot.runtime.Runtime (which holds `settings`, `sessions`, `lazy` and `engine`)."""
from __future__ import annotations

import logging

from bot.channels import CHANNELS, Channel, ChannelDeps
from bot.channels.telegram import TelegramChannel
from bot.channels.wechat import WeChatChannel
from core.messages import Media
from core.services import attachments, jobs
from core.services.notifications import email_sender, render_text
from core.services.scheduler import periodic_tasks

log = logging.getLogger(__name__)


class Delivery:
    # every loop below runs over the one registry, bot.channels.CHANNELS
    def channel(self, name: str) -> Channel:
        """The adapter registered under `name`, built at first use."""
        deps = ChannelDeps(self.settings, lambda: self.engine, self.sessions, self.wake_worker,
                           redis=self.redis)
        return self.lazy(f"channel:{name}", lambda: CHANNELS[name].from_deps(deps))

    def redis(self):
        """The production profile's Redis client (redis.url, SHOUHU_REDIS_URL), shared by the
        threads of this process; None in the embedded profile."""
        url = str(self.settings.section("redis").get("url") or "")
        if not url:
            return None
        import redis
        return self.lazy("redis", lambda: redis.Redis.from_url(url, socket_timeout=5,
                                                               health_check_interval=30))

    @property
    def wechat(self) -> WeChatChannel:
        return self.channel("wechat")

    @property
    def telegram(self) -> TelegramChannel:
        return self.channel("telegram")

    def fetch_media(self, channel: str, media: Media) -> tuple[bytes, str] | None:
        """Download a user's photo or voice (Inbound.media) for a flow to attach to a case.
        None when that channel has no API credentials configured."""
        if channel not in CHANNELS:
            return None
        return self.channel(channel).fetch_media(media)

    def senders(self) -> dict[str, jobs.Sender]:
        """Job kind -> delivery function, for the queue's delivery task."""
        senders = {
            "notify:email": email_sender(self.settings),
            "reporter_message": self.send_to_reporter,
            attachments.FETCH_JOB: attachments.fetcher(self.sessions, self.settings.instance_dir / "attachments",
                                                       self.fetch_media),
        }
        for name, adapter in CHANNELS.items():
            if adapter.pushes:
                senders[f"notify:{name}"] = lambda to, body, name=name: self.channel(name).send_text(
                    to, render_text(body))
            senders.update(self.channel(name).job_senders())
        return senders

    def send_to_reporter(self, target: str, body: str) -> None:
        """A case update for its reporter, on the channel they reported from ("wechat:<openid>").
        Web and console users have no push channel: they see it under "我的报告"."""
        channel, _, address = target.partition(":")
        if channel not in CHANNELS:
            log.warning("a reporter message for an unknown channel was dropped")
            return
        self.channel(channel).send_text(address, body)

    @property
    def queue(self):
        """The Huey job queue (bot/queue.py) with the delivery and periodic tasks."""
        def build():
            from bot.queue import JobQueue
            return JobQueue(self.settings, self.sessions, self.senders,
                            periodic_tasks(self.sessions, self.settings, self.notifier))
        return self.lazy("queue", build)

    def start_relay(self):
        """The outbox relay thread: committed jobs onto the queue."""
        def build():
            from bot.relay import Relay
            relay = Relay(self.queue, float(self.queue.cfg["relay_interval_seconds"]))
            relay.start()
            return relay
        return self.lazy("relay", build)

    def start_worker(self, workers: int | None = None):
        """Embedded profile: the relay plus Huey's consumer (workers and periodic tasks)
        in this process. With `queue.in_process: false` (production) only the relay
        runs here; `shouhu worker` and `shouhu scheduler` do the rest."""
        self.start_relay()
        if not self.queue.cfg["in_process"]:
            return None
        return self.lazy("consumer", lambda: self.queue.start_in_process(workers))

    def wake_worker(self) -> None:
        relay = self._lazy.get("relay")
        if relay is not None:
            relay.wake()

    def close(self) -> None:
        for name in ("relay", "consumer"):
            running = self._lazy.pop(name, None)
            if running is not None:
                running.stop()
        queue = self._lazy.pop("queue", None)
        if queue is not None:
            queue.close()
        for name in CHANNELS:
            channel = self._lazy.pop(f"channel:{name}", None)
            if channel is not None:
                channel.close()
