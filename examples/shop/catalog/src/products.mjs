/**
 * The catalog's products and how they relate. Discontinued products stay in the table (orders
 * and old links still name them) but are no longer listed or served.
 */

/** Every product the shop ever sold; prices in euros. */
export const PRODUCTS = [
  { id: "p-1", name: "Espresso beans, 1 kg", price: 24.5, category: "coffee", tags: ["espresso", "beans"] },
  { id: "p-2", name: "Filter coffee, 500 g", price: 11.9, category: "coffee", tags: ["filter", "beans"] },
  { id: "p-3", name: "Decaf beans, 500 g", price: 12.5, category: "coffee", tags: ["decaf", "beans"] },
  { id: "p-4", name: "Burr grinder", price: 149, category: "equipment", tags: ["grinder", "espresso", "filter"] },
  { id: "p-5", name: "Pour-over dripper", price: 29, category: "equipment", tags: ["filter", "brewing"] },
  { id: "p-6", name: "Paper filters (100)", price: 5.5, category: "supplies", tags: ["filter"] },
  { id: "p-7", name: "Milk jug, 600 ml", price: 19.9, category: "equipment", tags: ["espresso", "milk"] },
  { id: "p-8", name: "Digital scale", price: 39, category: "equipment", tags: ["brewing", "espresso", "filter"] },
  { id: "p-9", name: "Descaler (4 doses)", price: 9.9, category: "supplies", tags: ["espresso", "care"] },
  { id: "p-10", name: "Cold brew kit", price: 34, category: "equipment", tags: ["brewing", "cold"] },
  { id: "p-11", name: "Travel mug", price: 22, category: "accessories", tags: ["mug"] },
  { id: "p-12", name: "Espresso cups (2)", price: 16, category: "accessories", tags: ["espresso", "mug"] },
  {
    id: "p-13",
    name: "Hand grinder (2019 model)",
    price: 45,
    category: "equipment",
    tags: ["grinder"],
    discontinued: true,
  },
];

/** Products on sale, in catalog order. */
export function activeProducts() {
  return PRODUCTS.filter((p) => !p.discontinued);
}

/** The product with `id`, discontinued or not; undefined when there is none. */
export function findProduct(id) {
  return PRODUCTS.find((p) => p.id === id);
}

/** Up to `limit` products on sale that share most tags with `product` (same category first). */
export function recommendationsFor(product, limit = 4) {
  const score = (p) =>
    p.tags.filter((t) => product.tags.includes(t)).length + (p.category === product.category ? 0.5 : 0);
  return activeProducts()
    .filter((p) => p.id !== product.id && score(p) >= 1)
    .sort((a, b) => score(b) - score(a) || a.id.localeCompare(b.id, "en", { numeric: true }))
    .slice(0, limit);
}
