import { ValidationError } from "../common/errors.js";

/** Checks a repository description: one line of at most 256 characters, no control characters. */
export function assertRepoDescription(description: string): string {
  const text = description.trim();
  if (text.length > 256 || /[\u0000-\u001f\u007f]/.test(text))
    throw new ValidationError("a repository description is one line of at most 256 characters");
  return text;
}
