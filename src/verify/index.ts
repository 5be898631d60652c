/**
 * `hookline/verify`: the receiving side, published on its own as `@hookline/verify`
 * (packages/verify) so that a receiver installs a few kilobytes and no server. Re-exported
 * here so that `import 'hookline/verify'` keeps working for programs that have Hookline.
 */
export * from '@hookline/verify';
