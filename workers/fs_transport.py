"""kombu's filesystem transport, with message files that appear whole.

kombu's ``Channel._put`` creates the message file, then locks and writes it.
A consumer that lists the folder in between moves the still-empty file away,
reads nothing and dies on the JSON ("Expecting value: line 1 column 1",
celery/kombu#1551): in the embedded default that killed a local worker when
the runner published while it polled.  Here a message is written under a
name no consumer picks (it does not end in ``.<queue>.msg``) and renamed into
place, which POSIX makes atomic within one folder.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


def message_name(queue: str) -> str:
    """kombu's own name: consumers take files in the order of the milliseconds in front."""
    return f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"


class Channel(filesystem.Channel):
    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:
        name = message_name(queue)
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.partial")
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
