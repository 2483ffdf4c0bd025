/**
 * What the cart page shows: each line with the product's current name and price from the
 * catalog, the line total, and the number of units.
 */

/** Rounds euros to cents. */
const cents = (value) => Math.round(value * 100) / 100;

/** The view of `cart` given the catalog's products by id. */
export function describeCart(cart, productsById) {
  const lines = cart.items.map((item) => {
    const product = productsById.get(item.productId);
    return {
      productId: item.productId,
      name: product.name,
      unitPrice: product.price,
      quantity: item.quantity,
      lineTotal: cents(product.price * item.quantity),
    };
  });
  return { id: cart.id, lines, units: lines.reduce((n, l) => n + l.quantity, 0) };
}
