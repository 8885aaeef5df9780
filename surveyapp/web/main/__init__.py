from flask import Blueprint, current_app, render_template, send_from_directory

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
    response = send_from_directory(current_app.static_folder, "sw.js", max_age=0)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    return response
