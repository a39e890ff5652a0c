def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return rows()


def rows():
    print("open the database cursor")
    try:
        for n in range(1, 6):
            yield f"row {n}\n".encode("ascii")
    finally:
        # Runs when the server calls close(): after the last row, after an
        # error, or (as here) when the client hangs up halfway.
        print("close the database cursor")
