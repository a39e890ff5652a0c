def app(environ, start_response):
    chunks = [b"part 1\n", b"part 2\n", b"part 3\n"]
    # Promises 21 bytes (3 x 7), but the last chunk is dropped below.
    length = sum(len(c) for c in chunks)
    start_response("200 OK", [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(length)),
    ])
    return chunks[:2]
