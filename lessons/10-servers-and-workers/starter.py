def app(environ, start_response):
    counts = {}  # TODO: this dict is new for every request
    path = environ["PATH_INFO"]
    counts[path] = counts.get(path, 0) + 1
    text = f"{path}: {counts[path]}\n"
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [text.encode("utf-8")]
