"""The stub's Postmark and Resend endpoints (see stub_provider): batch send, search, idempotency."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from stub_provider import DropError, Stub, digest_of, faulty, loads

POSTMARK_MAX, RESEND_MAX, MAX_RECIPIENTS = 500, 100, 50
STREAMS = ("broadcast", "outbound")


class PostmarkMessage(msgspec.Struct):
    """One message of a batch; the bodies are kept as raw JSON (checked, not decoded: speed)."""

    From: str = ""
    To: str = ""
    Subject: str = ""
    HtmlBody: msgspec.Raw = msgspec.Raw(b"")
    TextBody: msgspec.Raw = msgspec.Raw(b"")
    Tag: str = ""
    MessageStream: str = "outbound"
    Headers: list[dict[str, str]] = []
    Metadata: dict[str, str] = {}


_BATCH = msgspec.json.Decoder(list[PostmarkMessage])


def _postmark_error(code: int, message: str, status: int = 422) -> JSONResponse:
    return JSONResponse({"ErrorCode": code, "Message": message}, status_code=status)


async def postmark_batch(stub: Stub, request: Request, body: bytes) -> Response:
    """POST /email/batch: ≤ 500 messages, each answered with its own ErrorCode."""
    if request.headers.get("x-postmark-server-token") != stub.token:
        return _postmark_error(10, "Request does not contain a valid Server token.", 401)
    busy = _postmark_error(429, "Rate limit exceeded", 429)
    return await faulty(stub, body, lambda b: _postmark_take(stub, b), busy)


async def _postmark_take(stub: Stub, body: bytes) -> Response:
    try:
        messages = _BATCH.decode(body)
    except msgspec.DecodeError as exc:
        return _postmark_error(402, f"Received invalid JSON input: {exc}")
    stub.batches.append(("postmark", len(messages)))
    if len(messages) > POSTMARK_MAX:
        return _postmark_error(300, f"Batch of {len(messages)} messages exceeds the limit of {POSTMARK_MAX}.")
    return Response(
        msgspec.json.encode([_postmark_one(stub, m) for m in messages]), media_type="application/json"
    )


def _postmark_one(stub: Stub, message: PostmarkMessage) -> dict[str, Any]:
    problem = _postmark_problem(message)
    if problem:
        return {"ErrorCode": 300, "Message": problem}
    if not stub.sender_ok(message.From):
        return {
            "ErrorCode": 400,
            "Message": f"The 'From' address '{message.From}' is not a Sender Signature.",
        }
    address = message.To.rpartition("<")[2].strip(">").strip()
    if "@" not in address:
        return {"ErrorCode": 300, "Message": f"Invalid 'To' address: '{message.To}'."}
    if address.lower() in stub.account:
        code = int(stub.account[address.lower()])
        return {"ErrorCode": code, "Message": f"Account-level refusal {code} (stub)."}
    if stub.refused(address):
        return {
            "ErrorCode": 406,
            "Message": "You tried to send to a recipient that has been marked as inactive.",
        }
    extra: dict[str, Any] = {"subject": message.Subject}
    if stub.keep:  # decode the bodies only when a test will read them
        extra["body"] = msgspec.json.decode(message.TextBody) if message.TextBody else ""
        extra["html"] = msgspec.json.decode(message.HtmlBody) if message.HtmlBody else ""
        extra["headers"] = {h["Name"]: h["Value"] for h in message.Headers}
    message_id = stub.accept(address, "postmark", message.Tag, message.Metadata, **extra)
    return {
        "ErrorCode": 0,
        "Message": "OK",
        "MessageID": message_id,
        "To": message.To,
        "SubmittedAt": "2026-11-25T12:00:00Z",
    }


def _postmark_problem(message: PostmarkMessage) -> str:
    for name in ("From", "To", "Subject"):
        if not getattr(message, name).strip():
            return f"Missing or empty '{name}'."
    if len(message.To.split(",")) > MAX_RECIPIENTS:
        return f"More than {MAX_RECIPIENTS} recipients in 'To'."
    bodies = [bytes(b) for b in (message.HtmlBody, message.TextBody) if bytes(b) not in (b"", b"null", b'""')]
    if not bodies or not all(b.startswith(b'"') for b in bodies):
        return "Provide either email TextBody or HtmlBody or both (as strings)."
    if message.MessageStream not in STREAMS:
        return f"The message stream '{message.MessageStream}' does not exist."
    if not all({"Name", "Value"} == set(h) for h in message.Headers):
        return "Headers must be a list of {Name, Value}."
    if not all(len(v) <= 80 for v in message.Metadata.values()):
        return "Metadata values must be strings of at most 80 characters."
    return ""


async def postmark_search(stub: Stub, request: Request, _: bytes) -> Response:
    """GET /messages/outbound: filter by tag, recipient and metadata_*; count and offset required."""
    if request.headers.get("x-postmark-server-token") != stub.token:
        return _postmark_error(10, "Request does not contain a valid Server token.", 401)
    query = request.query_params
    if "count" not in query or "offset" not in query or int(query["count"]) > 500:
        return _postmark_error(700, "The 'count' (at most 500) and 'offset' parameters are required.")
    wanted = {k.removeprefix("metadata_"): v for k, v in query.items() if k.startswith("metadata_")}
    found = [
        r for r in stub.records
        if r.provider == "postmark"
        and (not query.get("tag") or r.tag == query["tag"])
        and (not query.get("recipient") or r.recipient == query["recipient"].lower())
        and all(r.metadata.get(k) == v for k, v in wanted.items())
    ]  # fmt: skip
    offset, count = int(query["offset"]), int(query["count"])
    page = [
        {"MessageID": r.message_id, "Recipients": [r.recipient], "To": [{"Email": r.recipient, "Name": None}],
         "Tag": r.tag, "Metadata": r.metadata, "Status": "Sent", "Subject": r.subject}
        for r in found[offset : offset + count]
    ]  # fmt: skip
    return JSONResponse({"TotalCount": len(found), "Messages": page})


def _resend_error(name: str, message: str, status: int) -> JSONResponse:
    return JSONResponse({"statusCode": status, "name": name, "message": message}, status_code=status)


async def resend_batch(stub: Stub, request: Request, body: bytes) -> Response:
    """POST /emails/batch: ≤ 100 emails; the Idempotency-Key replays the first answer (24 h)."""
    auth = request.headers.get("authorization", "")
    if not auth:
        return _resend_error("missing_api_key", "Missing API key in the authorization header.", 401)
    if auth != f"Bearer {stub.token}":
        return _resend_error("invalid_api_key", "API key is invalid.", 403)
    key = request.headers.get("idempotency-key", "")
    if not key or len(key) > 256:
        return _resend_error("validation_error", "This stub requires an Idempotency-Key (1-256 chars).", 422)
    busy = _resend_error("rate_limit_exceeded", "Too many requests.", 429)
    return await faulty(stub, body, lambda b: _resend_idempotent(stub, key, b), busy)


async def _resend_idempotent(stub: Stub, key: str, body: bytes) -> Response:
    fingerprint = digest_of(body)
    seen = stub.idempotency.get(key)
    if seen is not None:
        if seen[0] != fingerprint:
            return _resend_error("invalid_idempotent_request", "Same idempotency key, different body.", 409)
        stub.hits["replayed"] += 1
        return Response(seen[2], status_code=seen[1], media_type="application/json")
    response = _resend_take(stub, body)
    if response.status_code < 300:
        stub.idempotency[key] = (fingerprint, response.status_code, bytes(response.body))
    return response


def _resend_take(stub: Stub, body: bytes) -> Response:
    emails = loads(body)
    if not isinstance(emails, list) or not emails:
        return _resend_error("validation_error", "The body must be a non-empty array of emails.", 422)
    stub.batches.append(("resend", len(emails)))
    if len(emails) > RESEND_MAX:
        return _resend_error("validation_error", f"Too many emails: at most {RESEND_MAX} per batch.", 422)
    for email in emails:
        problem = _resend_problem(stub, email)
        if problem:  # Resend validates the whole batch: one bad email refuses all
            return _resend_error("validation_error", problem, 422)
    ids = [_resend_accept(stub, e) for e in emails]
    return JSONResponse({"data": [{"id": i} for i in ids]})


def _resend_accept(stub: Stub, email: dict[str, Any]) -> str:
    to = str(email["to"][0] if isinstance(email["to"], list) else email["to"])
    address = to.rpartition("<")[2].strip(">").strip()
    tags = {t["name"]: t["value"] for t in email.get("tags", [])}
    extra = {
        "body": email.get("text", ""),
        "html": email.get("html", ""),
        "headers": email.get("headers", {}),
    }
    return stub.accept(
        address, "resend", tags.get("digest_issue", ""), tags, subject=email["subject"], **extra
    )


def _resend_problem(stub: Stub, email: Any) -> str:
    if not isinstance(email, dict):
        return "Each email must be an object."
    for name in ("from", "to", "subject"):
        if not email.get(name):
            return f"Missing `{name}` field."
    to = email["to"] if isinstance(email["to"], list) else [email["to"]]
    if len(to) > MAX_RECIPIENTS:
        return f"At most {MAX_RECIPIENTS} recipients in `to`."
    if not stub.sender_ok(str(email["from"])):
        return f"The {email['from'].rpartition('@')[2]} domain is not verified."
    if not (email.get("html") or email.get("text")):
        return "Missing `html` or `text` field."
    for tag in email.get("tags", []):
        for part in (tag.get("name", ""), tag.get("value", "")):
            if not part or not all(c.isascii() and (c.isalnum() or c in "_-") for c in part):
                return f"Tag '{part}' may only contain ASCII letters, numbers, underscores or dashes."
    return ""


async def drop(stub: Stub, request: Request, body: bytes) -> Response:
    """A route that always drops the connection (for the client's error mapping)."""
    raise DropError


ROUTES = {
    ("POST", "/email/batch"): postmark_batch,
    ("GET", "/messages/outbound"): postmark_search,
    ("POST", "/emails/batch"): resend_batch,
    ("POST", "/_stub/drop"): drop,
}
