import json


def app(environ, start_response):
    body = json.dumps({"status": "ok"}).encode("utf-8")
    start_response("200 OK", [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
    ])
    return [body]
