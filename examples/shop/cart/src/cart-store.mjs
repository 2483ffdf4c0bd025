/**
 * Shopping carts, kept in memory: a cart is `{id, items: [{productId, quantity}]}`. The store
 * checks shapes, not products: the catalog is the authority on those, asked when a cart is shown.
 */
import { HttpError } from "./telemetry/http-service.mjs";

/** Most units of one product in a cart. */
export const MAX_QUANTITY = 99;

const checkQuantity = (quantity, min) => {
  if (!Number.isInteger(quantity) || quantity < min || quantity > MAX_QUANTITY)
    throw new HttpError(400, `quantity must be an integer from ${min} to ${MAX_QUANTITY}`);
};

/** The carts of this process. */
export class CartStore {
  #carts = new Map();
  #next = 1;

  /** A new empty cart. */
  create() {
    const cart = { id: `c-${this.#next++}`, items: [] };
    this.#carts.set(cart.id, cart);
    return cart;
  }

  /** The cart with `id`; HttpError 404 when there is none. */
  get(id) {
    const cart = this.#carts.get(id);
    if (!cart) throw new HttpError(404, `no cart ${id}`);
    return cart;
  }

  /** Adds `quantity` (≥ 1) units of a product, merging with a line already there. */
  addItem(id, productId, quantity) {
    if (typeof productId !== "string" || productId === "")
      throw new HttpError(400, "productId must be a non-empty string");
    checkQuantity(quantity, 1);
    const cart = this.get(id);
    const line = cart.items.find((i) => i.productId === productId);
    if (line) line.quantity = Math.min(MAX_QUANTITY, line.quantity + quantity);
    else cart.items.push({ productId, quantity });
    return cart;
  }

  /** Sets the quantity of a line already in the cart (0 keeps the line, as the cart page shows it). */
  setQuantity(id, productId, quantity) {
    checkQuantity(quantity, 0);
    const cart = this.get(id);
    const line = cart.items.find((i) => i.productId === productId);
    if (!line) throw new HttpError(404, `cart ${id} has no product ${productId}`);
    line.quantity = quantity;
    return cart;
  }

  /** Removes a product's line; no-op when absent. */
  removeItem(id, productId) {
    const cart = this.get(id);
    cart.items = cart.items.filter((i) => i.productId !== productId);
    return cart;
  }
}
