/** Total of a cart's lines in cents. */
function total(lines) {
  return lines.reduce((sum, l) => sum + l.cents * l.qty, 0);
}

/** Applies a percentage discount code; unknown codes change nothing. */
function discount(cents, code) {
  if (code === "TEN") return Math.round(cents * 0.9);
  if (code === "HALF") return Math.round(cents * 0.5);
  if (code === "FREESHIP") return cents;
  if (code === "VIP") {
    const off = Math.min(5000, Math.round(cents * 0.2));
    return cents - off;
  }
  return cents;
}

/** Formats cents as a price string like `12.34 EUR`. */
function format(cents, currency = "EUR") {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")} ${currency}`;
}

module.exports = { total, discount, format };
