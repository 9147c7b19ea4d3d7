"""The Hello protocol as docs/PROTOCOL.md states it, in a few lines of Python:
what a client is owed for what it sent, and why its connection ends.

Written from the document, not from src/protocol/, so that test_model.py
compares two readings of the same rules: this one and the server's.
"""

from dataclasses import dataclass

GREETING = b"Welcome!"
TOO_LONG = b"error: message too long\n"
DEFAULT_MAX_MESSAGE = 4096
# A raw message is what one read returns, so it is refused past what one read
# is sure to hold, whatever --max-message allows lines.
RAW_MESSAGE_LIMIT = 32 * 1024


@dataclass(frozen=True)
class Outcome:
    owed: bytes  # every byte the server owes, in order, the greeting first
    ending: str | None  # "exit", "too_long", "eof", or None: the conversation goes on
    messages: int  # how many messages were answered


def converse(reads, max_message=DEFAULT_MAX_MESSAGE, end_of_stream=False):
    """The Outcome of a conversation in which the server read `reads` (one
    bytes object per read: raw framing makes a read a message) and then, with
    `end_of_stream`, the end of the client's stream."""
    owed = bytearray(GREETING)
    messages = 0
    line_framing = False
    line_open = True  # the greeting has no line ending, nor has a raw reply
    partial = b""  # in line framing: the start of a line a later read ends

    def done(ending):
        return Outcome(bytes(owed), ending, messages)

    def refuse():
        owed.extend((b"\n" if line_open else b"") + TOO_LONG)
        return done("too_long")

    def answer_line(line):
        """What ends the conversation at this line, if anything."""
        nonlocal line_open, messages
        line = line[:-1] if line.endswith(b"\r") else line
        if len(line) > max_message:
            return refuse()
        if line == b"exit":
            return done("exit")
        owed.extend((b"\n" if line_open else b"") + b"Hello, " + line + b"!\n")
        line_open = False
        messages += 1
        return None

    for read in reads:
        if not line_framing and b"\n" in read:
            line_framing = True  # for good, from this read on
        if not line_framing:
            if len(read) > min(max_message, RAW_MESSAGE_LIMIT):
                return refuse()
            if read == b"exit":
                return done("exit")
            owed.extend(b"Hello, " + read + b"!")
            messages += 1
            continue
        *lines, partial = (partial + read).split(b"\n")
        for line in lines:
            if ended := answer_line(line):
                return ended
        # One byte of room past the limit: it may be the "\r" of a "\r\n".
        if len(partial) > max_message + 1:
            return refuse()
    if not end_of_stream:
        return done(None)
    if partial:  # a last line without its "\n" is still a message
        if ended := answer_line(partial):
            return ended
    return done("eof")


# The close line's words for each reason (src/ops/access_log.cpp): "exit" and
# "eof" have none, so a text log cannot tell them apart; a JSON one can.
REASON_WORDS = {"exit": "", "eof": "", "reset": "connection reset", "too_long": "message too long",
                "idle": "idle timeout", "shutdown": "server shutting down", "failed": "session failed"}


def close_reasons(outcome, client_cut):
    """The close reasons the server may log for a conversation whose input
    ended as `outcome` says. A client that reset, or closed with replies
    unread (`client_cut`), may be seen as a reset unless the server had
    already ended the conversation; one that read everything must see the
    conversation's own ending."""
    allowed = {outcome.ending} if outcome.ending else set()
    if client_cut:
        allowed.add("reset")
    return allowed
