/** Hides the password of a postgres:// URL so that it can be printed and logged. */
export function redactDatabaseUrl(databaseUrl: string): string {
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) return databaseUrl;
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    // An unparsable URL may still carry a secret; drop everything between scheme and host.
    return databaseUrl.replace(/\/\/[^@/]*@/, '//***@');
  }
}
