def app(environ, start_response):
    # Every CGI key and wsgi.* key the server passed, sorted; the streams shown by type.
    lines = []
    for key in sorted(environ):
        value = environ[key]
        if key in ("wsgi.input", "wsgi.errors"):
            value = type(value).__name__
        lines.append(f"{key} = {value!r}")
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return ["\n".join(lines).encode("utf-8")]
