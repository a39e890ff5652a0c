// The playground's starting points: one small, correct app per kind of connection,
// each with the request that shows it off.
import { t } from "./strings.js";

export const STARTERS = {
  wsgi: {
    title: t("js.starter.wsgi", "WSGI: hello"),
    interface: "wsgi",
    scenario: { method: "GET", path: "/hello?name=Ada" },
    code: `from urllib.parse import parse_qs


def app(environ, start_response):
    query = parse_qs(environ.get("QUERY_STRING", ""))
    name = query.get("name", ["world"])[0]
    body = f"Hello, {name}!".encode("utf-8")
    start_response("200 OK", [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ])
    return [body]
`,
  },
  asgi: {
    title: t("js.starter.asgi", "ASGI: hello"),
    interface: "asgi",
    scenario: { method: "POST", path: "/echo", headers: [["content-type", "text/plain"]], body: "Hello, ASGI" },
    code: `async def app(scope, receive, send):
    assert scope["type"] == "http"
    body = b""
    more_body = True
    while more_body:
        message = await receive()
        body += message.get("body", b"")
        more_body = message.get("more_body", False)
    await send({
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", b"text/plain")],
    })
    await send({"type": "http.response.body", "body": b"You sent: " + body})
`,
  },
  websocket: {
    title: t("js.starter.websocket", "ASGI: WebSocket echo"),
    interface: "asgi",
    scenario: { type: "websocket", path: "/ws", actions: [{ send: "hello" }, { receive: true }, { close: 1000 }] },
    code: `async def app(scope, receive, send):
    assert scope["type"] == "websocket"
    while True:
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
        elif message["type"] == "websocket.receive":
            await send({"type": "websocket.send", "text": message.get("text") or ""})
        elif message["type"] == "websocket.disconnect":
            break
`,
  },
  lifespan: {
    title: t("js.starter.lifespan", "ASGI: lifespan and state"),
    interface: "asgi",
    scenario: { requests: [{ path: "/" }, { path: "/" }], lifespan: true },
    code: `async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                # state is copied (shallowly) into every request's scope:
                # share a mutable object, not a plain int.
                scope["state"]["counter"] = {"visits": 0}
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    counter = scope["state"]["counter"]
    counter["visits"] += 1
    body = f"visit number {counter['visits']}".encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})
`,
  },
};
