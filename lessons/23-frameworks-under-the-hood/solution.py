from flask import Flask

app = Flask(__name__)


@app.get("/count")
def count():
    def lines():                              # a generator: Flask passes it on as the iterable
        for n in range(1, 4):
            yield f"{n}\n"
    return lines(), {"content-type": "text/plain; charset=utf-8"}
