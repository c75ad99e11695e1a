"""kombu's filesystem transport, with message files that appear whole.

kombu's ``Channel._put`` creates the message file, then locks and writes it.
A consumer that lists the folder in between moves the still-empty file away,
reads nothing and dies on the JSON ("Expecting value: line 1 column 1",
celery/kombu#1551): in the embedded default that killed a local worker when
the runner published while it polled.  Here a message is written under a
name no consumer picks (it does not end in ``.<queue>.msg``) and renamed into
place, which POSIX makes atomic within one folder; and a consumer takes a
message by renaming it into the processed folder, beside the queue folder.
Declared queues are remembered per queue folder, not once per process.
"""

from __future__ import annotations

import os
import uuid
from queue import Empty
from time import monotonic
from typing import Any, ClassVar

from kombu.exceptions import ChannelError
from kombu.transport import filesystem, virtual
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads


def message_name(queue: str) -> str:
    """kombu's own name: consumers take files in the order of the milliseconds in front."""
    return f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"


class Channel(filesystem.Channel):
    def _get(self, queue: str) -> Any:
        """The oldest message of ``queue``, taken by renaming it into the processed folder.

        kombu's own takes a file with ``shutil.move`` into the system's temporary
        folder: a copy when that is another file system (a tmpfs ``/tmp``), which two
        consumers can make of the same file at once, into the same name.  A rename
        within one file system has one winner; the others move on to the next file.
        """
        wanted = f"{queue}.msg"
        for name in sorted(os.listdir(self.data_folder_in)):
            if name.partition(".")[2] != wanted:
                continue
            taken = os.path.join(self.processed_folder, name)
            try:
                os.rename(os.path.join(self.data_folder_in, name), taken)
            except OSError:
                continue  # another consumer took it first
            try:
                with open(taken, "rb") as f:
                    payload = f.read()
                if not self.store_processed:
                    os.remove(taken)
            except OSError as exc:
                raise ChannelError(f"Cannot read file {taken!r} from queue.") from exc
            return loads(bytes_to_str(payload))
        raise Empty()

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
    """One broker state (declared exchanges and bindings) per queue folder, not one per process.

    kombu's keeps a single state for every connection of the process: once a
    queue is bound for one folder, binding it for another is skipped as done, its
    table file is never written there, and what is published there is dropped
    (a second embedded audit in one process, with another state folder).
    """

    Channel = Channel
    states: ClassVar[dict[str, virtual.BrokerState]] = {}

    def __init__(self, client: Any, **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        folder = (client.transport_options or {}).get("control_folder", "control")
        self.state = self.states.setdefault(os.path.abspath(folder), virtual.BrokerState())
