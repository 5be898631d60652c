import { getQuickJS } from 'quickjs-emscripten';
import { HooklineError } from '../errors.js';
import { findDialect } from '../dialects/index.js';
import { TRANSFORM_MAX_CODE_CHARS } from './transformLimits.js';

/** A transformation as a caller writes it; the version is Hookline's to give. */
export interface TransformationInput {
  code: string;
  enabled?: boolean;
}

function invalid(detail: string, pointer: string): never {
  throw new HooklineError('INVALID_TRANSFORMATION', detail, { errors: [{ pointer, message: detail }] });
}

/**
 * Checks a transformation at save: a string of code that QuickJS can parse and that defines
 * `handler`, for a dialect that can sign a transformed body. The code is compiled, never run:
 * running it is the transform thread's work, within its budget.
 */
export async function checkTransformation(input: unknown, dialectName: string, pointer = '/transformation'): Promise<Required<TransformationInput>> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    invalid('transformation must be an object {code, enabled}, or null to remove it.', pointer);
  }
  const { code, enabled } = input as Record<string, unknown>;
  if (typeof code !== 'string' || code.trim() === '') {
    invalid('transformation.code must be JavaScript text defining function handler(request) { … return request; }.', `${pointer}/code`);
  }
  if (code.length > TRANSFORM_MAX_CODE_CHARS) invalid(`transformation.code may be at most ${TRANSFORM_MAX_CODE_CHARS} characters long.`, `${pointer}/code`);
  if (enabled !== undefined && typeof enabled !== 'boolean') invalid('transformation.enabled must be true or false.', `${pointer}/enabled`);
  if (!/\bhandler\b/.test(code)) invalid('transformation.code must define function handler(request) { … return request; }.', `${pointer}/code`);
  const dialect = findDialect(dialectName);
  if (dialect && !dialect.sign) {
    invalid(`the ${dialect.name} dialect signs inside its body, so its requests cannot be transformed; use another dialect or remove the transformation.`, pointer);
  }
  const syntaxError = await parseError(code);
  if (syntaxError) invalid(`transformation.code does not parse: ${syntaxError}.`, `${pointer}/code`);
  return { code, enabled: enabled ?? true };
}

/** QuickJS's own parser, so what passes here is what the sandbox will accept. */
async function parseError(code: string): Promise<string | null> {
  const context = (await getQuickJS()).newContext();
  try {
    const result = context.evalCode(code, 'transformation.js', { type: 'global', compileOnly: true });
    if (!result.error) {
      result.value.dispose();
      return null;
    }
    const dumped = context.dump(result.error) as { name?: string; message?: string; stack?: string } | string;
    result.error.dispose();
    if (typeof dumped !== 'object' || dumped === null) return String(dumped);
    const where = /transformation\.js:(\d+):?(\d+)?/.exec(dumped.stack ?? '');
    return `${dumped.name ?? 'SyntaxError'}: ${dumped.message ?? ''}${where ? ` at line ${where[1]}` : ''}`;
  } finally {
    context.dispose();
  }
}
