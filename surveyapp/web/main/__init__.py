from pathlib import Path

from flask import Blueprint, current_app, make_response, render_template

blueprint = Blueprint("main", __name__)


@blueprint.get("/")
def index():
    return render_template("main/index.html")


@blueprint.get("/healthz")
def health():
    return {"status": "ok"}


@blueprint.get("/sw.js")
def service_worker():
    """The answering pages' service worker, served at the root so that it may keep the
    kiosk's (/kiosk/) and the open links' (/s/) pages; it handles only those."""
    response = make_response((Path(current_app.static_folder) / "sw.js").read_bytes())
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    return response
