def app(environ, start_response):
    # Rebuild the request as it came over the wire, from what the server parsed.
    target = environ["PATH_INFO"]
    if environ.get("QUERY_STRING"):
        target += "?" + environ["QUERY_STRING"]
    lines = [f"{environ['REQUEST_METHOD']} {target} {environ['SERVER_PROTOCOL']}"]
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            lines.append(f"{key[5:].replace('_', '-').title()}: {value}")
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            lines.append(f"{key.replace('_', '-').title()}: {environ[key]}")
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length)
    text = "\n".join(lines) + "\n\n" + body.decode("utf-8")

    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [text.encode("utf-8")]
