"""Quotes for a cart: each line's gross price, its volume discount and what a unit saves, then a
coupon on the whole cart. Prices are euros, rounded to cents."""

# (smallest quantity, discount rate), best tier first
VOLUME_TIERS = ((10, 0.10), (3, 0.05))
COUPONS = {"WELCOME10": 0.10, "COFFEE5": 0.05}


class QuoteError(ValueError):
    """A quote request that cannot be priced as given."""


def volume_rate(quantity):
    """The volume discount rate for ``quantity`` units of one product."""
    for smallest, rate in VOLUME_TIERS:
        if quantity >= smallest:
            return rate
    return 0.0


def price_line(product_id, unit_price, quantity):
    """One priced line: gross, discount, net and the saving per unit."""
    gross = round(unit_price * quantity, 2)
    discount = round(gross * volume_rate(quantity), 2)
    return {
        "productId": product_id,
        "quantity": quantity,
        "gross": gross,
        "discount": discount,
        "net": round(gross - discount, 2),
        "unitSavings": round(discount / quantity, 2),
    }


def parse_lines(lines):
    """Checks the ``lines`` of a quote request; returns ``(product_id, unit_price, quantity)`` tuples."""
    if not isinstance(lines, list):
        raise QuoteError("lines must be a list")
    parsed = []
    for i, line in enumerate(lines):
        if not isinstance(line, dict):
            raise QuoteError("lines[%d] must be an object" % i)
        product_id, price, quantity = line.get("productId"), line.get("unitPrice"), line.get("quantity")
        if not isinstance(product_id, str) or not product_id:
            raise QuoteError("lines[%d].productId must be a non-empty string" % i)
        if isinstance(price, bool) or not isinstance(price, (int, float)) or price < 0:
            raise QuoteError("lines[%d].unitPrice must be a number >= 0" % i)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            raise QuoteError("lines[%d].quantity must be an integer >= 0" % i)
        parsed.append((product_id, float(price), quantity))
    return parsed


def coupon_rate(code):
    """The rate of coupon ``code``; QuoteError when it does not exist."""
    if code not in COUPONS:
        raise QuoteError("unknown coupon %s" % code)
    return COUPONS[code]


def quote(lines, coupon=None):
    """The quote of checked ``lines`` with an optional coupon code."""
    priced = [price_line(*line) for line in lines]
    subtotal = round(sum(line["net"] for line in priced), 2)
    coupon_discount = round(subtotal * coupon_rate(coupon), 2) if coupon else 0.0
    return {
        "lines": priced,
        "subtotal": subtotal,
        "couponDiscount": coupon_discount,
        "total": round(subtotal - coupon_discount, 2),
        "currency": "EUR",
    }
