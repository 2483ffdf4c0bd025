/** Builds a greeting; an empty name greets the world. */
function greet(greeting, name) {
  const who = name && name.trim() ? name.trim() : "world";
  return `${greeting}, ${who}!`;
}

/** Splits a list of names separated by commas, ignoring blanks. */
function names(list) {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

module.exports = { greet, names };
