/**
 * Channels: a second routing dimension beside event types, as Svix has it. A webhook that names
 * channels receives only events published to at least one of them; a webhook without channels
 * receives events whatever their channels (docs/api.md#channels).
 */

/** Svix's channel names: letters, digits and `-_.:`, up to 128 characters; at most 10 a list. */
export const CHANNEL_PATTERN = /^[A-Za-z0-9\-_.:]{1,128}$/;
export const MAX_CHANNELS = 10;

/** What is wrong with a list of channels, or null; `[]` and null both mean "none". */
export function channelsProblem(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) return 'channels is a list of channel names, such as ["location-12"]';
  if (value.length > MAX_CHANNELS) return `at most ${MAX_CHANNELS} channels`;
  const bad = value.find((c) => typeof c !== 'string' || !CHANNEL_PATTERN.test(c));
  if (bad !== undefined) return `${JSON.stringify(bad)} is not a channel name: 1–128 letters, digits, "-", "_", "." or ":"`;
  return null;
}

/** A list as stored: distinct names in the order given, null when empty. */
export function storedChannels(value: readonly string[] | null | undefined): string[] | null {
  if (!value || value.length === 0) return null;
  return [...new Set(value)];
}

/** Whether a webhook with `wanted` channels takes an event published to `given`. */
export function channelsMatch(wanted: readonly string[] | null | undefined, given: readonly string[] | null | undefined): boolean {
  if (!wanted || wanted.length === 0) return true;
  if (!given || given.length === 0) return false;
  for (const c of given) if (wanted.includes(c)) return true;
  return false;
}
