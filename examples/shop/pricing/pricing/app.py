"""The pricing service's routes: ``POST /quote`` prices cart lines, ``GET /coupons/:code`` tells
what a coupon is worth."""
from . import quotes
from .telemetry.http_service import HttpError, HttpService


def post_quote(request):
    """Prices ``{lines: [{productId, unitPrice, quantity}], coupon?}``."""
    body = request.body
    if not isinstance(body, dict):
        raise HttpError(400, "expected a JSON object body")
    coupon = body.get("coupon")
    if coupon is not None and not isinstance(coupon, str):
        raise HttpError(400, "coupon must be a string")
    try:
        return quotes.quote(quotes.parse_lines(body.get("lines")), coupon or None)
    except quotes.QuoteError as err:
        raise HttpError(400, str(err)) from None


def get_coupon(request):
    """The rate of a coupon code."""
    code = request.params["code"]
    try:
        return {"code": code, "rate": quotes.coupon_rate(code)}
    except quotes.QuoteError as err:
        raise HttpError(404, str(err)) from None


ROUTES = [("POST", "/quote", post_quote), ("GET", "/coupons/:code", get_coupon)]


def create_app(version="dev", otlp_endpoint=None, log_write=None):
    """The pricing service (not yet on a socket: see ``HttpService.make_server``)."""
    return HttpService("pricing", version, ROUTES, otlp_endpoint=otlp_endpoint, log_write=log_write)
