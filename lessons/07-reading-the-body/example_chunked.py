def app(environ, start_response):
    lines = [f"CONTENT_LENGTH = {environ.get('CONTENT_LENGTH')!r}",
             f"wsgi.input_terminated = {environ.get('wsgi.input_terminated')!r}"]
    body = environ["wsgi.input"].read()    # no length to go by: read to the end
    lines.append(f"body = {body!r}")
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return ["\n".join(lines).encode("utf-8")]
