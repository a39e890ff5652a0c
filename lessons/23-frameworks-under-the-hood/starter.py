from flask import Flask

app = Flask(__name__)


@app.get("/count")
def count():
    lines = [f"{n}\n" for n in range(1, 4)]
    return "".join(lines), {"content-type": "text/plain; charset=utf-8"}
