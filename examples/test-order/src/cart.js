/** Adds `qty` of an item at `price` (in cents) to a cart; returns the new cart. */
function add(cart, name, price, qty = 1) {
  return [...cart, { name, price, qty }];
}

/** Total of a cart in cents. */
function total(cart) {
  return cart.reduce((sum, line) => sum + line.price * line.qty, 0);
}

/** Applies a percentage discount to a total in cents, rounded to the cent. */
function discount(amount, percent) {
  // the bug the tests catch: the percentage is applied twice
  return Math.round(amount * (1 - percent / 100) * (1 - percent / 100));
}

module.exports = { add, total, discount };
