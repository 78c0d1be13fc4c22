"""Request decoding: the three body encodings Bot API clients use, turned into typed params.

python-telegram-bot sends url-encoded forms in which every non-string value is JSON and every
string is raw, switches to multipart when a file is uploaded, and other clients post JSON. The
handlers should see one shape whatever the encoding, so each field is decoded by name: known
JSON fields are parsed, numeric ids become ints, flags become bools, and free text (a message
"123") stays a string.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from sandbox.fakeapi.faults import bad_request

JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "link_preview_options",
        "commands",
        "scope",
        "reply_parameters",
        "media",
    }
)
INT_FIELDS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "cache_time",
        "message_thread_id",
        "max_connections",
    }
)
_CHAT_ID_FIELDS = frozenset({"chat_id", "from_chat_id"})
_INT_RE = re.compile(r"-?\d+")
_BOOL_PREFIXES = ("is_", "can_", "disable_", "has_", "protect_", "show_", "allow_", "drop_")
_BOOL_FIELDS = frozenset({"revoke", "only_if_banned", "expandable"})


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        """Size of the upload in bytes."""
        return len(self.data)


@dataclass
class DecodedRequest:
    """Typed parameters plus the uploaded files, keyed by part name."""

    params: dict[str, Any] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)


def decode_field(name: str, value: Any) -> Any:
    """Decode one parameter by name; non-string values (from JSON bodies) pass through."""
    if not isinstance(value, str):
        return value
    if name in JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError as exc:
            raise bad_request(f"can't parse {name} JSON object") from exc
    if name in _CHAT_ID_FIELDS or name in INT_FIELDS:
        if _INT_RE.fullmatch(value):
            return int(value)
        if name in INT_FIELDS:
            raise bad_request(f"invalid {name} specified")
        return value
    is_flag = name in _BOOL_FIELDS or name.startswith(_BOOL_PREFIXES)
    if is_flag and value in ("true", "false"):
        return value == "true"
    return value


def _parse_multipart(
    body: bytes, content_type: str
) -> tuple[list[tuple[str, str]], list[UploadedFile]]:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if match is None:
        raise bad_request("multipart boundary is missing")
    delimiter = b"--" + match.group(1).encode("latin-1")
    fields: list[tuple[str, str]] = []
    files: list[UploadedFile] = []
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, val = line.partition(":")
            headers[key.strip().lower()] = val.strip()
        disposition = headers.get("content-disposition", "")
        name = _disposition_param(disposition, "name")
        filename = _disposition_param(disposition, "filename")
        if name is None:
            continue
        # A value part has no filename; aiohttp (the product's transport) still labels each one
        # "text/plain; charset=utf-8", as RFC 7578 allows, so only a filename or another
        # content type makes a part a file.
        part_type = headers.get("content-type", "text/plain").split(";", 1)[0].strip().lower()
        if filename is None and part_type == "text/plain":
            fields.append((name, data.decode("utf-8")))
        else:
            ctype = headers.get("content-type", "application/octet-stream")
            files.append(UploadedFile(name, filename or name, ctype, data))
    return fields, files


def _disposition_param(disposition: str, key: str) -> str | None:
    match = re.search(rf'(?:^|;)\s*{key}="((?:[^"\\]|\\.)*)"', disposition)
    if match is not None:
        return match.group(1).replace('\\"', '"')
    match = re.search(rf"(?:^|;)\s*{key}=([^;]+)", disposition)
    return match.group(1).strip() if match else None


def decode_request(query: str, body: bytes, content_type: str) -> DecodedRequest:
    """Decode query string and body (form, multipart or JSON) into a DecodedRequest."""
    raw: list[tuple[str, Any]] = list(parse_qsl(query, keep_blank_values=True))
    files: list[UploadedFile] = []
    ctype = content_type.split(";", maxsplit=1)[0].strip().lower()
    if body:
        if ctype == "application/json":
            try:
                loaded = json.loads(body)
            except ValueError as exc:
                raise bad_request("can't parse JSON request body") from exc
            if not isinstance(loaded, dict):
                raise bad_request("JSON request body must be an object")
            raw.extend(loaded.items())
        elif ctype == "multipart/form-data":
            fields, files = _parse_multipart(body, content_type)
            raw.extend(fields)
        else:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise bad_request("request body is not valid UTF-8") from exc
            raw.extend(parse_qsl(text, keep_blank_values=True))
    decoded = DecodedRequest()
    for name, value in raw:
        decoded.params[name] = decode_field(name, value)
    for upload in files:
        decoded.files[upload.field] = upload
    return decoded
