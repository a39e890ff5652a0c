import threading

counts = {}  # one per process: every request this worker serves sees it
lock = threading.Lock()  # a threaded server may run two requests at the same moment


def app(environ, start_response):
    path = environ["PATH_INFO"]
    with lock:
        counts[path] = counts.get(path, 0) + 1
        n = counts[path]
    text = f"{path}: {n}\n"
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [text.encode("utf-8")]
