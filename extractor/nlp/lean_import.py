"""Third-party packages imported without the parts the check never runs."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType


def import_spacy() -> ModuleType:
    """``import spacy``, but for the command line its package imports only to re-export ``spacy.info``.

    ``spacy/__init__.py`` runs ``from .cli.info import info``, which imports all of ``spacy.cli``
    (weasel, httpx, requests, jinja2, rich …): a third of spaCy's import, for commands the pipeline
    never runs.  While spaCy is imported, a placeholder stands in for ``spacy.cli.info``; it is taken
    out again at once, so that ``import spacy.cli`` later imports the real one, and ``spacy.info``
    calls the real ``info``.  A spaCy that wants more of its CLI at import is imported as usual.
    """
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    placeholders = {"spacy.cli": ModuleType("spacy.cli"), "spacy.cli.info": ModuleType("spacy.cli.info")}
    placeholders["spacy.cli"].__path__ = []
    placeholders["spacy.cli.info"].info = _real_spacy_info  # type: ignore[attr-defined]
    sys.modules.update(placeholders)
    try:
        return importlib.import_module("spacy")
    except ImportError:
        _forget_modules("spacy")
        return importlib.import_module("spacy")
    finally:
        for name, placeholder in placeholders.items():
            if sys.modules.get(name) is placeholder:
                del sys.modules[name]


def _real_spacy_info(*args: object, **kwargs: object) -> object:
    from spacy.cli.info import info

    return info(*args, **kwargs)


def _forget_modules(package: str) -> None:
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]
