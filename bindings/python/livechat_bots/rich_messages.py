"""Builders of the rich messages a bot sends: quick replies, cards with
buttons, stickers. Each returns the event document ``Bot.send_event`` (or
``Bot.send_rich_message``) takes; the library checks it against the API
version before sending (button types and their fields, at most 10
elements of at most 13 buttons, ``target`` and ``alternative_text`` from
v3.3, the ``ecommerce`` template from v3.6), so a mistake is a
``ValidationError`` naming the field.

>>> event = quick_replies("How can I help?", ["Order status", "Talk to a human"])
>>> event["elements"][0]["buttons"][1]["postback_id"]
'Talk to a human'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Button", "card", "cards", "quick_replies", "sticker"]

#: What a button does when clicked.
BUTTON_TYPES = ("message", "url", "phone", "webview")


@dataclass(frozen=True)
class Button:
    """A button of a rich message. ``postback_id`` is what the bot is told
    when a customer clicks it (``incoming_rich_message_postback``); a
    ``message`` button also makes the customer say ``value``."""

    text: str
    type: str
    value: str
    postback_id: str
    webview_height: str | None = None
    target: str | None = None

    @classmethod
    def message(cls, text: str, postback_id: str | None = None, value: str | None = None) -> Button:
        """Clicked, the customer writes ``value`` (``text`` by default)."""
        return cls(text, "message", text if value is None else value, text if postback_id is None else postback_id)

    @classmethod
    def url(cls, text: str, url: str, *, target: str | None = None, postback_id: str | None = None) -> Button:
        """Opens ``url``; ``target`` ``"new"`` or ``"current"`` (v3.3+)."""
        return cls(text, "url", url, text if postback_id is None else postback_id, target=target)

    @classmethod
    def phone(cls, text: str, number: str, postback_id: str | None = None) -> Button:
        """Calls ``number``."""
        return cls(text, "phone", number, text if postback_id is None else postback_id)

    @classmethod
    def webview(cls, text: str, url: str, height: str = "tall", postback_id: str | None = None) -> Button:
        """Opens ``url`` in the chat widget; ``height``: compact, full or tall."""
        return cls(text, "webview", url, text if postback_id is None else postback_id, webview_height=height)

    def to_dict(self) -> dict[str, Any]:
        """The button as the API takes it (``user_ids`` empty: nobody clicked yet)."""
        doc: dict[str, Any] = {
            "text": self.text,
            "type": self.type,
            "value": self.value,
            "postback_id": self.postback_id,
            "user_ids": [],
        }
        if self.webview_height is not None:
            doc["webview_height"] = self.webview_height
        if self.target is not None:
            doc["target"] = self.target
        return doc


def _buttons(buttons: Sequence[Button | str]) -> list[dict[str, Any]]:
    out = []
    for i, b in enumerate(buttons):
        if isinstance(b, str):
            b = Button.message(b)
        if not isinstance(b, Button):
            raise TypeError(f"buttons[{i}]: expected a Button or a str, got {type(b).__name__}")
        out.append(b.to_dict())
    return out


def _event(template_id: str, elements: list[dict[str, Any]], visibility: str | None) -> dict[str, Any]:
    event: dict[str, Any] = {"type": "rich_message", "template_id": template_id, "elements": elements}
    if visibility is not None:
        event["visibility"] = visibility
    return event


def quick_replies(prompt: str, replies: Sequence[Button | str], *, visibility: str | None = None) -> dict[str, Any]:
    """A question with reply buttons; a ``str`` reply is a message button
    whose text, value and postback id are that string."""
    return _event("quick_replies", [{"title": prompt, "buttons": _buttons(replies)}], visibility)


def card(
    title: str | None = None,
    subtitle: str | None = None,
    *,
    image_url: str | None = None,
    alternative_text: str | None = None,
    buttons: Sequence[Button | str] = (),
) -> dict[str, Any]:
    """One element of a ``cards`` message (``alternative_text``: v3.3+)."""
    element: dict[str, Any] = {}
    if title is not None:
        element["title"] = title
    if subtitle is not None:
        element["subtitle"] = subtitle
    if image_url is not None:
        element["image"] = {"url": image_url}
        if alternative_text is not None:
            element["image"]["alternative_text"] = alternative_text
    if buttons:
        element["buttons"] = _buttons(buttons)
    return element


def cards(*elements: dict[str, Any], visibility: str | None = None) -> dict[str, Any]:
    """A ``cards`` rich message of the :func:`card` elements given (a carousel when more than one)."""
    return _event("cards", list(elements), visibility)


def sticker(image_url: str, *, visibility: str | None = None) -> dict[str, Any]:
    """A sticker: one image."""
    return _event("sticker", [{"image": {"url": image_url}}], visibility)
