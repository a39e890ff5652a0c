def app(environ, start_response):
    text = (f"SCRIPT_NAME = {environ['SCRIPT_NAME']!r}\n"
            f"PATH_INFO   = {environ['PATH_INFO']!r}\n")
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [text.encode("utf-8")]
