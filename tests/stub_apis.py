"""The stub's SendGrid, Mailgun and SES endpoints (see stub_provider): each checks the request as the
provider documents it, fills each recipient's copy from the substitution data, and records it."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from stub_provider import Stub, faulty, loads

SES_KEY_ID, SES_SECRET, SES_REGION = "AKIDSTUB", "stub-secret", "us-east-1"


def _fill(text: str, values: dict[str, str], pattern: str) -> str:
    """Substitute each tag the way the provider would (``pattern`` makes a tag from a name)."""
    for name, value in values.items():
        text = text.replace(pattern.format(name), value)
    return text


def _sendgrid_error(message: str, status: int, field: str | None = None) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "field": field}]}, status_code=status)


async def sendgrid_send(stub: Stub, request: Request, body: bytes) -> Response:
    """POST /v3/mail/send: ≤ 1000 personalizations; 202 and an X-Message-Id when accepted."""
    if request.headers.get("authorization") != f"Bearer {stub.token}":
        return _sendgrid_error("The provided authorization grant is invalid, expired, or revoked", 401)
    busy = _sendgrid_error("too many requests", 429)
    return await faulty(stub, body, lambda b: _sendgrid_take(stub, b), busy)


async def _sendgrid_take(stub: Stub, body: bytes) -> Response:
    mail = loads(body)
    if isinstance(mail, dict):
        stub.batches.append(("sendgrid", len(mail.get("personalizations") or [])))
    problem = _sendgrid_problem(stub, mail)
    if problem:
        status = 403 if "Sender Identity" in problem else 400
        return _sendgrid_error(problem, status)
    parts = {c["type"]: c["value"] for c in mail["content"]}
    for each in mail["personalizations"]:
        values = each.get("substitutions", {})
        to = each["to"][0]["email"]
        text = _fill(parts.get("text/plain", ""), values, "{}")
        page = _fill(parts.get("text/html", ""), values, "{}")
        metadata = {**mail.get("custom_args", {}), **each.get("custom_args", {})}
        headers = {**mail.get("headers", {}), **each.get("headers", {})}
        tag = mail.get("categories", [""])[0]
        stub.accept(
            to, "sendgrid", tag, metadata, subject=mail["subject"], body=text, html=page, headers=headers
        )
    return Response(status_code=202, headers={"X-Message-Id": "stub-sendgrid-message"})


def _sendgrid_problem(stub: Stub, mail: Any) -> str:
    if not isinstance(mail, dict):
        return "Invalid JSON body"
    people = mail.get("personalizations")
    if not isinstance(people, list) or not 1 <= len(people) <= 1000:
        return "The personalizations field is required and must have between 1 and 1000 items."
    if sum(len(p.get("to", [])) + len(p.get("cc", [])) + len(p.get("bcc", [])) for p in people) > 1000:
        return "The total number of recipients must be no more than 1000."
    if not isinstance(mail.get("from"), dict) or "@" not in mail["from"].get("email", ""):
        return "The from object must be provided for every email send."
    if not stub.sender_ok(mail["from"]["email"]):
        return "The from address does not match a verified Sender Identity."
    if not mail.get("subject") and not all(p.get("subject") for p in people):
        return "The subject is required."
    content = mail.get("content", [])
    if not content or (len(content) > 1 and content[0].get("type") != "text/plain"):
        return "The content must have at least one item, and text/plain must come first."
    for person in people:
        if not person.get("to") or not all("@" in t.get("email", "") for t in person["to"]):
            return "Each personalization needs a 'to' with valid email addresses."
        if len(str(person.get("substitutions", {})).encode()) > 10_000:
            return "The substitutions of a personalization may not exceed 10,000 bytes."
    return ""


def _mailgun_error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status)


def _mailgun_auth(stub: Stub, request: Request) -> bool:
    import base64

    expected = "Basic " + base64.b64encode(f"api:{stub.token}".encode()).decode()
    return request.headers.get("authorization") == expected


async def mailgun_messages(stub: Stub, request: Request, body: bytes) -> Response:
    """POST /v3/{domain}/messages: several 'to' need recipient-variables (else all see each other)."""
    if not _mailgun_auth(stub, request):
        return Response("Forbidden", status_code=401)
    domain = request.url.path.split("/")[2]
    if stub.senders and domain not in stub.senders:
        return _mailgun_error(f"Domain not found: {domain}", 404)
    form = await request.form(max_fields=10_000)  # Starlette stops at 1000 fields by default
    busy = _mailgun_error("Too many requests", 429)
    return await faulty(stub, body, lambda _: _mailgun_take(stub, form), busy)


async def _mailgun_take(stub: Stub, form: Any) -> Response:
    to = form.getlist("to")
    stub.batches.append(("mailgun", len(to)))
    for name in ("from", "subject"):
        if not form.get(name):
            return _mailgun_error(f"{name} parameter is missing", 400)
    if not to:
        return _mailgun_error("to parameter is missing", 400)
    if len(to) > 1000:
        return _mailgun_error("Too many recipients: at most 1000 per message", 400)
    if not (form.get("text") or form.get("html")):
        return _mailgun_error(
            "Need at least one of 'text', 'html', 'amp-html' or 'template' parameters specified", 400
        )
    variables = (
        loads(str(form.get("recipient-variables", "")).encode()) if form.get("recipient-variables") else None
    )
    if len(to) > 1 and not isinstance(variables, dict):
        return _mailgun_error("recipient-variables missing: every recipient would see all the others", 400)
    variables = variables or {}
    if any(address not in variables for address in to) and len(to) > 1:
        return _mailgun_error("recipient-variables must have an entry for every 'to' address", 400)
    batch_vars = {k[2:]: str(v) for k, v in form.items() if k.startswith("v:")}
    for address in to:
        values = {k: str(v) for k, v in variables.get(address, {}).items()}
        text = _fill(str(form.get("text", "")), values, "%recipient.{}%")
        page = _fill(str(form.get("html", "")), values, "%recipient.{}%")
        headers = {
            k[2:]: _fill(str(v), values, "%recipient.{}%") for k, v in form.items() if k.startswith("h:")
        }
        tag, subject = str(form.get("o:tag", "")), str(form["subject"])
        stub.accept(
            address, "mailgun", tag, batch_vars, subject=subject, body=text, html=page, headers=headers
        )
    return JSONResponse({"id": "<20261125120000.stub@mailgun>", "message": "Queued. Thank you."})


async def mailgun_events(stub: Stub, request: Request, _: bytes) -> Response:
    """GET /v3/{domain}/events: 'accepted' events by tag and time, paged by paging.next."""
    if not _mailgun_auth(stub, request):
        return Response("Forbidden", status_code=401)
    query = request.query_params
    begin, offset, limit = (
        float(query.get("begin", 0)),
        int(query.get("offset", 0)),
        int(query.get("limit", 100)),
    )
    if limit > 300:
        return _mailgun_error("limit may not exceed 300", 400)
    found = [
        r for r in stub.records
        if r.provider == "mailgun" and r.at >= begin and (not query.get("tags") or r.tag == query["tags"])
        and (not query.get("recipient") or r.recipient == query["recipient"].lower())
    ]  # fmt: skip
    page = found[offset : offset + limit]
    items = [
        {"event": "accepted", "recipient": r.recipient, "tags": [r.tag], "timestamp": r.at,
         "user-variables": {k: v for k, v in r.metadata.items() if k.startswith("digest_")},
         "message": {"headers": {"message-id": r.message_id}}}
        for r in page
    ]  # fmt: skip
    following = {**dict(query), "offset": str(offset + len(page))}
    return JSONResponse(
        {"items": items, "paging": {"next": f"{stub.base}{request.url.path}?{urlencode(following)}"}}
    )


def _ses_error(kind: str, message: str, status: int) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status, headers={"x-amzn-ErrorType": f"{kind}:"})


_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/ses/aws4_request, "
    r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$"
)


def ses_signature_problem(request: Request, body: bytes) -> str:
    """Check the SigV4 signature by recomputing it with botocore's own signer."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    match = _AUTHORIZATION.match(request.headers.get("authorization", ""))
    if not match:
        return "IncompleteSignature"
    key_id, _, region, signed, signature = match.groups()
    if key_id != SES_KEY_ID or region != SES_REGION:
        return "UnrecognizedClient"
    headers = {name: request.headers[name] for name in signed.split(";")}
    aws = AWSRequest(method=request.method, url=str(request.url), data=body, headers=headers)
    aws.context["timestamp"] = request.headers.get("x-amz-date", "")
    auth = SigV4Auth(Credentials(SES_KEY_ID, SES_SECRET), "ses", SES_REGION)
    expected = auth.signature(auth.string_to_sign(aws, auth.canonical_request(aws)), aws)
    return "" if expected == signature else "InvalidSignature"


async def ses_bulk(stub: Stub, request: Request, body: bytes) -> Response:
    """POST /v2/email/outbound-bulk-emails: signed, ≤ 50 entries, each answered with a Status."""
    problem = ses_signature_problem(request, body)
    if problem:
        return _ses_error(f"{problem}Exception", "The request signature we calculated does not match.", 403)
    busy = _ses_error("TooManyRequestsException", "Maximum sending rate exceeded.", 429)
    return await faulty(stub, body, lambda b: _ses_take(stub, b), busy)


async def _ses_take(stub: Stub, body: bytes) -> Response:
    request = loads(body)
    entries = request.get("BulkEmailEntries", []) if isinstance(request, dict) else []
    stub.batches.append(("ses", len(entries)))
    if not 1 <= len(entries) <= 50:
        return _ses_error("BadRequestException", "BulkEmailEntries must have 1 to 50 entries.", 400)
    sender = str(request.get("FromEmailAddress", ""))
    if not stub.sender_ok(sender):
        return _ses_error("MessageRejected", f"Email address is not verified: {sender}", 400)
    template = request.get("DefaultContent", {}).get("Template", {})
    content = template.get("TemplateContent")
    if not content or not content.get("Subject") or not (content.get("Html") or content.get("Text")):
        return _ses_error("BadRequestException", "Template content needs a Subject and Html or Text.", 400)
    shared = template.get("Headers", [])
    return JSONResponse({"BulkEmailEntryResults": [_ses_entry(stub, e, content, shared) for e in entries]})


def _ses_entry(
    stub: Stub, entry: dict[str, Any], content: dict[str, str], shared: list[Any]
) -> dict[str, str]:
    to = entry.get("Destination", {}).get("ToAddresses", [])
    if not to:
        return {"Status": "INVALID_PARAMETER", "Error": "Destination has no addresses."}
    address = to[0].rpartition("<")[2].strip(">").strip()
    if address.lower() in stub.account:
        return {"Status": str(stub.account[address.lower()]), "Error": "Account-level refusal (stub)."}
    if stub.refused(address):
        return {"Status": "MESSAGE_REJECTED", "Error": "Address is on the suppression list."}
    data = loads(
        entry.get("ReplacementEmailContent", {})
        .get("ReplacementTemplate", {})
        .get("ReplacementTemplateData", "{}")
        .encode()
    )
    values = {k: str(v) for k, v in (data or {}).items()}
    headers = {h["Name"]: h["Value"] for h in [*shared, *entry.get("ReplacementHeaders", [])]}
    tags = {t["Name"]: t["Value"] for t in entry.get("ReplacementTags", [])}
    text = _fill(content.get("Text", ""), values, "{{{{{}}}}}")
    page = _fill(content.get("Html", ""), values, "{{{{{}}}}}")
    subject = content["Subject"]
    message_id = stub.accept(address, "ses", "", tags, subject=subject, body=text, html=page, headers=headers)
    return {"Status": "SUCCESS", "MessageId": message_id}


ROUTES = {
    ("POST", "/v3/mail/send"): sendgrid_send,
    ("POST", "/v3/*/messages"): mailgun_messages,
    ("GET", "/v3/*/events"): mailgun_events,
    ("POST", "/v2/email/outbound-bulk-emails"): ses_bulk,
}
