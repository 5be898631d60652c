import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.js';
import { HooklineError } from '../src/errors.js';

/** The portal's settings (issue 14): framing origins and the default theme, checked at start. */

test('HOOKLINE_PORTAL_FRAME_ANCESTORS: none by default; origins split on spaces and commas, wildcard subdomains allowed, repeats dropped', () => {
  assert.deepEqual(loadConfig({}).portalFrameAncestors, []);
  const c = loadConfig({ HOOKLINE_PORTAL_FRAME_ANCESTORS: 'https://app.example.com, https://*.example.org  http://127.0.0.1:3000,https://app.example.com' });
  assert.deepEqual(c.portalFrameAncestors, ['https://app.example.com', 'https://*.example.org', 'http://127.0.0.1:3000']);
  assert.ok(Object.isFrozen(c.portalFrameAncestors));
});

test('a framing entry that is not an origin is refused at start with what to write instead', () => {
  for (const bad of ['*', "'self'", 'app.example.com', 'https://app.example.com/path', 'javascript:alert(1)', "https://a.com; script-src *"]) {
    assert.throws(
      () => loadConfig({ HOOKLINE_PORTAL_FRAME_ANCESTORS: bad }),
      (e: unknown) => e instanceof HooklineError && e.code === 'CONFIG_INVALID' && /origins such as https:\/\/app\.example\.com/.test(e.message),
      bad,
    );
  }
});

test('the default theme: name, accent (#rrggbb, lower-cased) and mode are checked', () => {
  const c = loadConfig({ HOOKLINE_PORTAL_NAME: 'Studio Suite', HOOKLINE_PORTAL_ACCENT: '#BE185D', HOOKLINE_PORTAL_MODE: 'dark' });
  assert.deepEqual([c.portalName, c.portalAccent, c.portalMode], ['Studio Suite', '#be185d', 'dark']);
  assert.deepEqual([loadConfig({}).portalName, loadConfig({}).portalAccent, loadConfig({}).portalMode], [null, null, 'light']);
  assert.throws(() => loadConfig({ HOOKLINE_PORTAL_ACCENT: 'pink' }), /HOOKLINE_PORTAL_ACCENT="pink" is not valid: expected a colour as #rrggbb/);
  assert.throws(() => loadConfig({ HOOKLINE_PORTAL_MODE: 'sepia' }), /expected light or dark/);
  assert.throws(() => loadConfig({ HOOKLINE_PORTAL_NAME: 'x'.repeat(81) }), /at most 80 characters/);
});
