"""``python -m workers.cli``: the ``gkaudit`` command."""

from workers.cli import main

main()
