"""IN lists of the stores' queries: how many values one list holds, and how each database takes them best."""

from __future__ import annotations

from sqlalchemy import BindParameter, bindparam
from sqlalchemy.orm import Session

IN_LIST_MOST = 500  # values in one IN list


def literal_list(values: list[str]) -> BindParameter[list[str]]:
    """An IN list written into the statement's text rather than sent as one parameter a value.

    A runner's progress read asks about up to every content of an audit: 500 parameters cost
    SQLAlchemy and psycopg some 6 ms of CPU a statement here, the same values as literals 2 to 3 ms,
    and PostgreSQL plans constants no slower (an array parameter instead: a generic plan that
    compared each row with every value, several times slower).
    """
    return bindparam("values", values, expanding=True, literal_execute=True)


def hash_list(session: Session, hashes: list[str]) -> BindParameter[list[str]]:
    """An IN list of content hashes, as this session's database takes it best: written into the statement on
    PostgreSQL (:func:`literal_list`: cheaper to send), bound parameters on SQLite.

    SQLite's driver keeps each connection's last 128 statements compiled, by their text: as literals, every list
    is a text of its own (some 175 KB compiled with 500 hashes), and a runner's reads at 20,000 documents (which
    contents have results, which are stored) filled that cache, 20 MB of its peak that grew with the corpus (a
    worker's look-up of each batch's cached contents, likewise); as parameters, every list of one length is one
    statement.  The same speed either way on SQLite.
    """
    if session.get_bind().dialect.name == "sqlite":
        return bindparam("values", hashes, expanding=True)
    return literal_list(hashes)
