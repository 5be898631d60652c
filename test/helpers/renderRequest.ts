import { isUnrepresentable, type Dialect, type RenderInput, type RenderedRequest } from '../../src/dialects/index.js';

/** `dialect.render` for inputs a test knows every dialect can carry; an unrepresentable value fails the test. */
export function renderRequest(dialect: Dialect, input: RenderInput): RenderedRequest {
  const r = dialect.render(input);
  if (isUnrepresentable(r)) throw new Error(`${dialect.name} cannot carry data${r.unrepresentable.pointer}: ${r.unrepresentable.message}`);
  return r;
}
