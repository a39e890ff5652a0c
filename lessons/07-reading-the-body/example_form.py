from urllib.parse import parse_qs


def app(environ, start_response):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length)           # bytes, at most `length` of them
    form = parse_qs(raw.decode("latin-1"), encoding="utf-8")
    name = form.get("name", ["stranger"])[0]
    text = f"Thanks, {name}. You sent {length} bytes: {raw!r}\n"
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [text.encode("utf-8")]
