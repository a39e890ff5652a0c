import json


def app(environ, start_response):
    if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
        start_response("415 Unsupported Media Type", [("Content-Type", "text/plain")])
        return [b"Send JSON.\n"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    try:
        data = json.loads(environ["wsgi.input"].read(length))
    except ValueError:
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"That is not valid JSON.\n"]
    answer = {"received": data, "keys": sorted(data) if isinstance(data, dict) else None}
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(answer).encode("utf-8")]
