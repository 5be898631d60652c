/**
 * `hookline`: what a program that embeds Hookline may rely on (docs/library.md). Everything
 * else under dist/ is internal and may change between versions.
 */
export { startHookline } from './library/startHookline.js';
export type { EmbedOptions, HooklineSettings } from './library/startHookline.js';
export type { HooklineHandle } from './app.js';
export { migrate } from './app.js';
export { publish } from './library/publish.js';
export type { PublishEventInput, PublishedEvent, PostgresPublishOptions, PostgresClient, SqliteConnection } from './library/publish.js';
export { loadConfig, defaults } from './config.js';
export type { Config } from './config.js';
export { HooklineEvents } from './events.js';
export type { HooklineEventMap, AttemptEvent, HealthChange, ExhaustedDelivery } from './events.js';
export { HooklineError, errorCatalog } from './errors.js';
export type { ErrorCode } from './errors.js';
export { VERSION } from './version.js';
// The receiving side, the same as `hookline/verify`, for a program that both sends and receives.
export * from './verify/index.js';
