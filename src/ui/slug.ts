/** A business id must match the API's `^[A-Za-z0-9_-]{1,64}$`. */
export const BUSINESS_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * An id suggested from a name as it is typed: "Café Montréal #2" → "cafe-montreal-2". Accents
 * are dropped rather than the letters they sit on, so the id still reads like the name.
 */
export function slugOf(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

/** Why an id cannot be used, as a sentence a person can act on; null when it can. */
export function businessIdProblem(id: string): string | null {
  if (id === '') return 'Enter an id for the business, e.g. sunrise-yoga.';
  if (id.length > 64) return `The id is ${id.length} characters long; use at most 64.`;
  if (!BUSINESS_ID.test(id)) {
    const bad = [...new Set(id.replace(/[A-Za-z0-9_-]/g, ''))].map((c) => (c === ' ' ? 'spaces' : `“${c}”`)).join(', ');
    return `The id may hold letters, digits, - and _ only; remove ${bad}.`;
  }
  return null;
}
